// Test support: small WebVTT and SRT parsers, independent of the writers they check.
export interface Cue {
  index: string;
  start: number;
  end: number;
  text: string;
}

function seconds(stamp: string, sep: '.' | ','): number {
  const m = new RegExp(`^(\\d{2,}):(\\d{2}):(\\d{2})\\${sep}(\\d{3})$`).exec(stamp);
  if (!m) throw new Error(`bad timestamp ${JSON.stringify(stamp)}`);
  const [, h, min, s, ms] = m.map(Number) as [number, number, number, number, number];
  if (min > 59 || s > 59) throw new Error(`bad timestamp ${stamp}`);
  return h * 3600 + min * 60 + s + ms / 1000;
}

function parseBlocks(text: string, sep: '.' | ','): Cue[] {
  return text
    .trim()
    .split(/\n\n+/)
    .map((block) => {
      const lines = block.split('\n');
      const [index, timing, ...rest] = lines;
      const m = /^(\S+) --> (\S+)$/.exec(timing ?? '');
      if (!index || !m || rest.length === 0) throw new Error(`bad cue: ${JSON.stringify(block)}`);
      return { index, start: seconds(m[1]!, sep), end: seconds(m[2]!, sep), text: rest.join('\n') };
    });
}

export function parseVtt(text: string): Cue[] {
  if (!text.startsWith('WEBVTT\n\n')) throw new Error('missing WEBVTT header');
  return parseBlocks(text.slice('WEBVTT\n\n'.length), '.');
}

export function parseSrt(text: string): Cue[] {
  return parseBlocks(text, ',');
}
