import { type DomElement, type DomNode, ELEMENT_NODE, parseHtmlDocument, TEXT_NODE } from './dom';
import { fenced } from './prose';

/** Elements whose content is never prose. */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'embed',
  'canvas',
  'head',
  'select',
  'button',
  'nav',
]);
/** Reference lists and footnote sections (Wikipedia's reflist, Markdown renderers' footnotes). */
const REFERENCE_LIST_CLASS = /\b(?:references|reflist|footnotes?|citations?)\b/i;
/** A superscript that is a footnote or reference mark: 3, [12], [a], [note 2]. */
const FOOTNOTE_SUP = /^\s*\[?\s*(?:\d+|[a-z]|note \d+|citation needed)\s*\]?\s*$/i;
/** Elements that end a paragraph. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tr',
  'ul',
]);

const PARAGRAPH = '\n\n';

/** Plain text of an HTML fragment (RSS descriptions, Congress.gov summaries, Readability output). */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return normalizeText(html);
  const document = parseHtmlDocument(`<!doctype html><html><head></head><body>${html}</body></html>`);
  return document.body ? nodeToText(document.body) : '';
}

/** A table's rows, one a line, cells joined by ` | `. */
function tableText(table: DomElement): string {
  const rows: string[] = [];
  for (const row of table.querySelectorAll('tr')) {
    const cells = [...row.querySelectorAll('th, td')].map((cell) =>
      (cell.textContent ?? '').replace(/\s+/g, ' ').trim(),
    );
    if (cells.some(Boolean)) rows.push(cells.join(' | '));
  }
  return rows.join('\n');
}

/**
 * Text of a DOM subtree with paragraph breaks at block elements. Preformatted text and tables
 * become fenced blocks (prose.ts): context for an LLM writer, never spoken; navigation and
 * footnote marks are left out. Iterative, so deeply nested markup cannot overflow the stack.
 */
export function nodeToText(root: DomNode): string {
  const parts: string[] = [];
  const stack: Array<DomNode | typeof PARAGRAPH> = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    if (item === PARAGRAPH) {
      parts.push(PARAGRAPH);
      continue;
    }
    if (item.nodeType === TEXT_NODE) {
      // Source whitespace (including newlines) is layout, not meaning: collapse it.
      parts.push((item.textContent ?? '').replace(/\s+/g, ' '));
      continue;
    }
    if (item.nodeType !== ELEMENT_NODE) continue;
    const tag = (item as DomElement).tagName.toLowerCase();
    if (SKIPPED.has(tag)) continue;
    if (tag === 'sup' && FOOTNOTE_SUP.test(item.textContent ?? '')) continue;
    if (REFERENCE_LIST_CLASS.test((item as DomElement).getAttribute('class') ?? '')) continue;
    if (tag === 'pre') {
      parts.push(fenced('code', item.textContent ?? ''));
      continue;
    }
    if (tag === 'table') {
      parts.push(fenced('table', tableText(item as DomElement)));
      continue;
    }
    if (tag === 'br') {
      parts.push('\n');
      continue;
    }
    if (BLOCKS.has(tag)) {
      parts.push(PARAGRAPH);
      stack.push(PARAGRAPH);
    }
    for (let i = item.childNodes.length - 1; i >= 0; i--) {
      const child = item.childNodes[i];
      if (child) stack.push(child);
    }
  }
  return normalizeText(parts.join(''));
}

/** Trims lines, collapses runs of spaces and of blank lines. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\t\f\v ]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
