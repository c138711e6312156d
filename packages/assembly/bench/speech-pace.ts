/**
 * How well the scripts' duration estimate (scriptSeconds) predicts what espeak takes, source by
 * source, against the same run's baseline: a words-per-minute rate fitted to the same lines.
 *   npm run bench:speech-pace [-- --minutes 2 --wpm 170 --backend wasm|native|auto]
 * Each source becomes an offline-writer script of --minutes, voiced as the audio stage voices it
 * (clip by clip, no cache reuse); prints a table and writes bench-results/speech-pace.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  countWords,
  LINE_GAP_SEC,
  LocalScriptWriter,
  type SourceDocument,
  sampleEpisodeSources,
  scriptSeconds,
  styleSchema,
} from '@podfleet/providers';
import { richDocuments } from '@podfleet/providers/testing';
import { createClipCache, createEspeakEngine } from '@podfleet/tts';
import { voiceScript } from '../src';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    wpm: { type: 'string', default: '170' },
    backend: { type: 'string', default: 'wasm' },
  },
});

const documentOf = (title: string, text: string): SourceDocument => ({
  kind: 'text',
  title,
  url: null,
  publishedAt: null,
  text,
  contentHash: title,
});

const sources: SourceDocument[] = [
  ...richDocuments,
  ...sampleEpisodeSources('http://unused.example').flatMap((s) =>
    s.kind === 'text' ? [documentOf(s.title ?? 'Sample', s.text)] : [],
  ),
];

const percent = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

async function main() {
  const wpm = Number(values.wpm);
  const speed = wpm / 170;
  const engine = createEspeakEngine({
    backend: values.backend as 'wasm' | 'native' | 'auto',
    wordsPerMinute: wpm,
  });
  const style = styleSchema.parse({ targetMinutes: Number(values.minutes) });
  const dir = await mkdtemp(join(tmpdir(), 'podfleet-pace-'));
  const rows: Array<{
    source: string;
    lines: number;
    words: number;
    speechSec: number;
    estimatedSec: number;
  }> = [];
  try {
    for (const [i, document] of sources.entries()) {
      const script = await new LocalScriptWriter().write({ documents: [document], style });
      const clips = await voiceScript({
        engine,
        lines: script.lines,
        hosts: script.hosts,
        cache: createClipCache(join(dir, `cache-${i}`)),
        concurrency: 2,
      });
      rows.push({
        source: document.title.slice(0, 40),
        lines: script.lines.length,
        words: script.lines.reduce((n, l) => n + countWords(l.text), 0),
        speechSec: clips.reduce((sum, c) => sum + c.durationSec, 0),
        estimatedSec: scriptSeconds(script.lines, 'en', { speed, lineGapSec: 0 }),
      });
    }
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }

  // Baseline: one words-per-minute rate, the best for these very lines (least squares).
  const secondsPerWord =
    rows.reduce((sum, r) => sum + r.words * r.speechSec, 0) / rows.reduce((sum, r) => sum + r.words ** 2, 0);
  const results = rows.map((r) => ({
    ...r,
    speechSec: Math.round(r.speechSec * 10) / 10,
    estimatedSec: Math.round(r.estimatedSec * 10) / 10,
    estimateError: r.estimatedSec / r.speechSec - 1,
    wordsError: (r.words * secondsPerWord) / r.speechSec - 1,
  }));
  const worst = (key: 'estimateError' | 'wordsError') => Math.max(...results.map((r) => Math.abs(r[key])));
  console.log(`espeak-ng ${await engine.backend()} at ${wpm} wpm, ${values.minutes}-minute scripts`);
  console.log(
    `fitted baseline: ${(60 / secondsPerWord).toFixed(0)} words a minute; gaps between lines (${LINE_GAP_SEC} s) left out`,
  );
  console.log(
    'source                                   | words | espeak s | estimate       | words at one rate',
  );
  for (const r of results) {
    console.log(
      `${r.source.padEnd(40)} | ${String(r.words).padStart(5)} | ${r.speechSec.toFixed(1).padStart(8)} | ${r.estimatedSec.toFixed(1).padStart(6)} ${percent(r.estimateError).padStart(7)} | ${percent(r.wordsError).padStart(8)}`,
    );
  }
  console.log(
    `worst source: estimate ${percent(worst('estimateError'))}, words ${percent(worst('wordsError'))} (in magnitude)`,
  );
  const out = resolve(__dirname, '..', '..', '..', 'bench-results');
  await mkdir(out, { recursive: true });
  const file = join(out, 'speech-pace.json');
  await writeFile(
    file,
    `${JSON.stringify(
      {
        benchmark: 'speech-pace',
        at: new Date().toISOString(),
        wpm,
        minutes: Number(values.minutes),
        baselineWordsPerMinute: 60 / secondsPerWord,
        worstEstimateError: worst('estimateError'),
        worstWordsError: worst('wordsError'),
        sources: results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
