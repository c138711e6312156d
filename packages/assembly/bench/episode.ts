/**
 * Times the offline audio path for the reference 3-minute episode (40 lines, ~450 words):
 *   npm run bench:episode [-- --backend wasm|native|auto --runs 3 --threads 2]
 * Prints synthesis, assembly (with its steps), total, a cached re-run, and the raw path
 * (the same clips joined and encoded once, no loudness work, no tags) for comparison, and the
 * finished MP3's loudness as ffmpeg measures it (outside the timings).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClipCache, createEspeakEngine } from '@podfleet/tts';
import { assembleEpisode, encodeRawPath, measureLoudness, voiceScript } from '../src';
import { sampleScript } from './sample-script';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
  },
});

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const backend = values.backend as 'wasm' | 'native' | 'auto';
  const engine = createEspeakEngine({ backend, threads: Number(values.threads) });
  const { hosts, lines, chapters } = sampleScript();
  const chapterStarts = chapters.map((title, c) => ({
    title,
    firstLineIndex: lines.findIndex((l) => l.chapter === c),
  }));
  const dir = await mkdtemp(join(tmpdir(), 'podfleet-bench-'));
  console.log(
    `espeak backend: ${await engine.backend()}, lines: ${lines.length}, words: ${lines.reduce((n, l) => n + l.text.split(/\s+/).length, 0)}`,
  );
  try {
    for (let run = 1; run <= Number(values.runs); run++) {
      const cache = createClipCache(join(dir, `cache-${run}`));
      const t0 = performance.now();
      const clips = await voiceScript({ engine, lines, hosts, cache, concurrency: Number(values.threads) });
      const t1 = performance.now();
      const episode = await assembleEpisode({
        clips,
        chapters: chapterStarts,
        outFile: join(dir, `episode-${run}.mp3`),
        title: 'Bench episode',
      });
      const t2 = performance.now();
      const mp3 = await measureLoudness(episode.outFile);
      const t2b = performance.now();
      const cachedClips = await voiceScript({ engine, lines, hosts, cache });
      const cachedEpisode = await assembleEpisode({
        clips: cachedClips,
        chapters: chapterStarts,
        outFile: join(dir, `episode-${run}-cached.mp3`),
        title: 'Bench episode',
      });
      const t3 = performance.now();

      // Raw path: the same clips joined back to back and encoded once.
      const r0 = performance.now();
      await encodeRawPath(
        clips.map((c) => c.file),
        join(dir, `raw-${run}.mp3`),
      );
      const rawEncode = performance.now() - r0;

      const t = episode.timingsMs;
      console.log(
        [
          `run ${run}: audio ${episode.durationSec.toFixed(1)} s, ${(episode.sizeBytes / 1e6).toFixed(2)} MB,`,
          `PCM ${episode.loudness.integratedLufs.toFixed(2)} LUFS, ${episode.loudness.truePeakDb.toFixed(2)} dBTP;`,
          `MP3 (ffmpeg) ${mp3.integratedLufs} LUFS, ${mp3.truePeakDb} dBTP`,
          `  synthesis        ${seconds(t1 - t0)}`,
          `  assembly         ${seconds(t2 - t1)}  (load ${t.load} ms, gain + limiter ${t.normalize} ms, encode+tag ${t.encode} ms, verify ${t.verify} ms)`,
          `  total            ${seconds(t2 - t0)}`,
          `  cached re-run    ${seconds(t3 - t2b)}  (no synthesis; ${cachedEpisode.timingsMs.encode} ms encode)`,
          `  raw path         ${seconds(t1 - t0 + rawEncode)}  (synthesis + one encode of ${seconds(rawEncode)})`,
        ].join('\n'),
      );
    }
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
