// What a source document holds besides prose, and how to leave it out of what is spoken. Code and
// tables stay in a document's text as fenced blocks (```code / ```table), so an LLM writer still
// has them as context; spokenProse() is the text any line read aloud may come from.

export const CODE_FENCE = '```';

/** A fenced block: ```kind on a line of its own, the content, then ``` on a line of its own. */
export const fenced = (kind: 'code' | 'table', content: string) =>
  `\n\n${CODE_FENCE}${kind}\n${content.trim()}\n${CODE_FENCE}\n\n`;

// Footnote and reference marks: [12], [a], [citation needed], [note 3], ^1, superscript digits.
const FOOTNOTE_MARK = /\[(?:\d+|[a-z]|citation needed|edit|note \d+)\]|\^\d+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+/gi;
const TABLE_ROW = /^\|.*\|$|^(?:[^|]*\|){2,}[^|]*$/;
const CODE_SYMBOLS = /[{}();=<>[\]*&|#\\$]/g;
const CODE_SHAPES = [
  /;\s*$/, // a statement
  /^[{}]\s*$|[{]\s*$/, // a block opening or closing
  /^\s*(?:#include|#define|import |from \S+ import|def |class |function |const |let |var |return\b|if \(|for \(|while \()/,
  /\b\w+(?:\.\w+)+\s*\(.*\)/, // a call on a member: strm.avail_in(...), console.log(...)
  /\w+\s*(?:[+\-*/%&|^]?=|==|!=|<=|>=|=>|->)\s*\S/, // an assignment or comparison
];

/**
 * A line that reads as code rather than prose: a statement or block shape together with a
 * density of code symbols no sentence has (prose with a parenthesis or an equals sign passes).
 */
export function looksLikeCode(line: string): boolean {
  const visible = line.replace(/\s/g, '');
  if (!visible) return false;
  const symbols = visible.match(CODE_SYMBOLS)?.length ?? 0;
  const shape = CODE_SHAPES.some((pattern) => pattern.test(line));
  return (shape && symbols / visible.length >= 0.04) || symbols / visible.length >= 0.15;
}

/**
 * The text of a document that may be spoken: fenced code and tables out, Markdown table rows and
 * lines that read as code out, footnote marks out. Paragraph breaks are kept.
 */
export function spokenProse(text: string): string {
  const kept: string[] = [];
  let inFence = false;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith(CODE_FENCE)) {
      inFence = !inFence;
      kept.push('');
      continue;
    }
    // A line opening with a caret is a reference entry's back-link (Wikipedia's "^ Author…").
    if (inFence || TABLE_ROW.test(trimmed) || trimmed.startsWith('^ ') || looksLikeCode(trimmed)) {
      kept.push('');
      continue;
    }
    kept.push(line.replace(FOOTNOTE_MARK, '').replace(/[ \t]{2,}/g, ' '));
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
