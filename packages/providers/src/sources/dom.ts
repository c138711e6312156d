import { parseHTML } from 'linkedom';

/**
 * The slice of the DOM podfleet reads, typed structurally: the repo compiles without the DOM lib,
 * and linkedom's own types refer to it.
 */
export interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}
export interface DomElement extends DomNode {
  tagName: string;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}
export interface DomDocument {
  title: string;
  body: DomElement | null;
  querySelector(selector: string): DomElement | null;
}

export const TEXT_NODE = 3;
export const ELEMENT_NODE = 1;

/** Parses an HTML page (no scripts run, nothing is fetched). */
export function parseHtmlDocument(html: string): DomDocument {
  return (parseHTML(html) as unknown as { document: DomDocument }).document;
}
