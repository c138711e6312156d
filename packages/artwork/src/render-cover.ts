// Square podcast covers drawn as SVG and rendered to PNG by resvg (MPL-2.0, used unmodified), with
// the Inter font bundled from npm, so a cover renders the same on every machine, offline, with no
// system fonts installed. Inter covers Latin, Greek and Cyrillic; titles in other scripts render
// their unsupported characters as gaps, which is why users may upload their own cover.
import { createHash } from 'node:crypto';
import { Resvg, renderAsync } from '@resvg/resvg-js';

export interface CoverDesign {
  /** The show's title, wrapped over up to five lines (cut with an ellipsis beyond). */
  title: string;
  /** Background, `#rrggbb`. */
  color: string;
  /** Width and height in pixels (podcast directories want 1400–3000). */
  sizePx?: number;
}

/** Bumped whenever the drawing changes, so stored renders of an older design are redrawn. */
export const COVER_DESIGN_VERSION = 'cover-v1';
export const DEFAULT_COVER_SIZE_PX = 1400;

const FONT_FILES = [
  require.resolve('@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf'),
  require.resolve('@expo-google-fonts/inter/500Medium/Inter_500Medium.ttf'),
];
const FONT_OPTIONS = { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'Inter' };

/** The drawing's own coordinate space; the render scales it to the requested size. */
const VIEW = 1000;
const MARGIN = 80;
const TEXT_WIDTH = VIEW - 2 * MARGIN;
/** Title sizes tried, largest first: the largest whose wrapped lines fit is used. */
const TITLE_SIZES = [128, 112, 100, 88, 76, 66, 58];
const MAX_LINES = 5;
const LINE_HEIGHT = 1.12;
/** The title's last line (with descenders) stays above the waveform. */
const TITLE_BOTTOM = 660;
/** Font size at which widths are measured (they scale linearly). */
const MEASURE_SIZE = 100;

/** Characters XML 1.0 forbids in a document (titles come from user input). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(XML_FORBIDDEN, '');

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** White or near-black text, whichever contrasts more with the background. */
function foregroundFor(background: string): string {
  const l = luminance(background);
  const onWhite = 1.05 / (l + 0.05);
  const onDark = (l + 0.05) / (luminance('#141414') + 0.05);
  return onWhite >= onDark ? '#ffffff' : '#141414';
}

/** Ink width of a bold line at MEASURE_SIZE, in view units (resvg lays the text out with the real font). */
function makeMeasurer(): (line: string) => number {
  const widths = new Map<string, number>();
  return (line) => {
    const known = widths.get(line);
    if (known !== undefined) return known;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${VIEW * 8}" height="${VIEW}"><text x="0" y="${VIEW / 2}" font-family="Inter" font-weight="700" font-size="${MEASURE_SIZE}">${escapeXml(line)}</text></svg>`;
    const width = new Resvg(svg, { font: FONT_OPTIONS }).getBBox()?.width ?? 0;
    widths.set(line, width);
    return width;
  };
}

/** Lines of one size that fit between the top margin and TITLE_BOTTOM. */
const maxLinesAt = (size: number) =>
  Math.min(MAX_LINES, Math.floor((TITLE_BOTTOM - MARGIN - size * 1.25) / (size * LINE_HEIGHT)) + 1);

/** Greedy word wrap at one font size; null when a word alone is too wide or too many lines result. */
function wrap(words: string[], size: number, measure: (line: string) => number): string[] | null {
  const fits = (line: string) => (measure(line) * size) / MEASURE_SIZE <= TEXT_WIDTH;
  const lines: string[] = [];
  for (const word of words) {
    if (!fits(word)) return null;
    const last = lines.at(-1);
    if (last !== undefined && fits(`${last} ${word}`)) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length <= maxLinesAt(size) ? lines : null;
}

/** At the smallest size, cut words too wide for a line and end the last line with an ellipsis. */
function forceFit(words: string[], size: number, measure: (line: string) => number): string[] {
  const fits = (line: string) => (measure(line) * size) / MEASURE_SIZE <= TEXT_WIDTH;
  const pieces = words.flatMap((word) => {
    const parts: string[] = [];
    let current = '';
    for (const char of word) {
      if (current && !fits(current + char)) {
        parts.push(current);
        current = '';
      }
      current += char;
    }
    return current ? [...parts, current] : parts;
  });
  const lines: string[] = [];
  for (const piece of pieces) {
    const last = lines.at(-1);
    if (last !== undefined && fits(`${last} ${piece}`)) lines[lines.length - 1] = `${last} ${piece}`;
    else lines.push(piece);
  }
  const maxLines = maxLinesAt(size);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let lastLine = kept[maxLines - 1] ?? '';
  while (lastLine && !fits(`${lastLine}…`)) lastLine = lastLine.slice(0, -1).trimEnd();
  kept[maxLines - 1] = `${lastLine}…`;
  return kept;
}

function layoutTitle(title: string): { lines: string[]; size: number } {
  const words = title.split(/\s+/).filter(Boolean);
  if (words.length === 0) return { lines: [], size: TITLE_SIZES[0] ?? 128 };
  const measure = makeMeasurer();
  for (const size of TITLE_SIZES) {
    const lines = wrap(words, size, measure);
    if (lines) return { lines, size };
  }
  const smallest = TITLE_SIZES.at(-1) ?? 58;
  return { lines: forceFit(words, smallest, measure), size: smallest };
}

/** A row of rounded bars, like a sound wave; their heights come from the title, so shows differ. */
function waveform(title: string, fill: string): string {
  const digest = createHash('sha256').update(title).digest();
  const bars = 14;
  const width = 26;
  const gap = 18;
  const baseline = 790;
  return Array.from({ length: bars }, (_, i) => {
    const height = 40 + ((digest[i] ?? 0) / 255) * 150;
    const x = MARGIN + i * (width + gap);
    return `<rect x="${x}" y="${(baseline - height / 2).toFixed(1)}" width="${width}" height="${height.toFixed(1)}" rx="${width / 2}" fill="${fill}" opacity="0.55"/>`;
  }).join('');
}

/** The cover as SVG source (exported for tests and the README example). */
export function coverSvg(design: CoverDesign): string {
  const size = design.sizePx ?? DEFAULT_COVER_SIZE_PX;
  const fg = foregroundFor(design.color);
  const { lines, size: fontSize } = layoutTitle(design.title.trim());
  const lineStep = fontSize * LINE_HEIGHT;
  const titleText = lines
    .map(
      (line, i) =>
        `<text x="${MARGIN}" y="${(MARGIN + fontSize + i * lineStep).toFixed(1)}" font-family="Inter" font-weight="700" font-size="${fontSize}" fill="${fg}">${escapeXml(line)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${VIEW} ${VIEW}">`,
    '<defs><linearGradient id="shade" x1="0" y1="0" x2="1" y2="1">',
    '<stop offset="0" stop-color="#ffffff" stop-opacity="0.14"/><stop offset="1" stop-color="#000000" stop-opacity="0.22"/>',
    '</linearGradient></defs>',
    `<rect width="${VIEW}" height="${VIEW}" fill="${design.color}"/>`,
    `<rect width="${VIEW}" height="${VIEW}" fill="url(#shade)"/>`,
    titleText,
    waveform(design.title, fg),
    `<text x="${MARGIN}" y="${VIEW - MARGIN}" font-family="Inter" font-weight="500" font-size="44" fill="${fg}" opacity="0.85">podfleet</text>`,
    '</svg>',
  ].join('');
}

/**
 * The cover as a PNG of `sizePx` × `sizePx` (1400 by default). Rasterising takes ~0.2 s of CPU, so
 * it runs on libuv's thread pool, not on the event loop (laying the title out is a few ms).
 */
export async function renderCover(design: CoverDesign): Promise<Buffer> {
  const size = design.sizePx ?? DEFAULT_COVER_SIZE_PX;
  const image = await renderAsync(coverSvg(design), {
    font: FONT_OPTIONS,
    fitTo: { mode: 'width', value: size },
  });
  return image.asPng();
}
