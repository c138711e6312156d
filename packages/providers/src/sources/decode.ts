import { TextDecoder } from 'node:util';

/** Decodes a fetched body to a string: header charset, else BOM, else the document's own declaration, else UTF-8. */
export function decodeBody(
  body: Buffer,
  headerCharset: string | null,
  kind: 'html' | 'xml' | 'text',
): string {
  const label = headerCharset ?? bomCharset(body) ?? declaredCharset(body, kind) ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8'); // unknown label: UTF-8 is the best guess on today's web
  }
  return decoder.decode(body);
}

function bomCharset(body: Buffer): string | null {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return null;
}

function declaredCharset(body: Buffer, kind: 'html' | 'xml' | 'text'): string | null {
  const head = body.subarray(0, 2048).toString('latin1');
  const match =
    kind === 'xml'
      ? /<\?xml[^>]*encoding=["']([\w.:-]+)["']/i.exec(head)
      : kind === 'html'
        ? /<meta[^>]+charset=["']?([\w.:-]+)/i.exec(head)
        : null;
  return match?.[1]?.toLowerCase() ?? null;
}
