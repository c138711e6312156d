// Length through the fleet with the offline writer and a real engine: espeak (WASM) set slower than
// the estimate's reference, so words alone would run long. The audio worker's nominal pace sizes
// the first script, each episode teaches the fleet the engine's measured pace.
import { episodeRequestSchema, readArtifact, submitEpisodeJob } from '@podfleet/pipeline';
import {
  LocalScriptWriter,
  paceFor,
  readFleetPace,
  sampleEpisodeSources,
  scriptSeconds,
  styleSchema,
} from '@podfleet/providers';
import { richDocuments } from '@podfleet/providers/testing';
import { createEspeakEngine, type EspeakEngine, paceIdentity, publishEnginePace } from '@podfleet/tts';
import { createUser, type Fleet, startFleet, waitForStatus } from '../test/harness';

const TARGET_MINUTES = 2;
// The Congress summaries the demo voices: dense with numbers, which word counts miss.
const congressSources = sampleEpisodeSources('http://unused.example').filter((s) => s.kind === 'text');
const proseSources = richDocuments.map((d) => ({ kind: 'text' as const, title: d.title, text: d.text }));

describe('episode length at the engine pace (offline writer, espeak at 130 wpm)', () => {
  let espeak: EspeakEngine;
  let fleet: Fleet;

  beforeAll(async () => {
    espeak = createEspeakEngine({ backend: 'wasm', threads: 2, wordsPerMinute: 130 });
    fleet = await startFleet({ engine: espeak, writer: new LocalScriptWriter() });
    // What the audio worker does as it starts.
    await publishEnginePace(fleet.ctx, espeak);
  });
  afterAll(async () => {
    await fleet.close();
    await espeak.close();
  });

  const englishPace = async () => paceFor(await readFleetPace(fleet.ctx.redis, fleet.ctx.prefix), 'en');

  const episodeOf = async (sources: unknown[]) => {
    const user = await createUser(fleet.db);
    const request = episodeRequestSchema.parse({
      type: 'custom',
      sources,
      style: { hosts: [{ name: 'Maya' }, { name: 'Theo' }], targetMinutes: TARGET_MINUTES },
    });
    const { job } = await submitEpisodeJob(fleet.ctx, { userId: user.id, request });
    const done = await waitForStatus(fleet.db, job.id, ['completed', 'failed'], 240_000);
    expect({ status: done.status, error: done.errorMessage }).toEqual({ status: 'completed', error: null });
    const episode = await fleet.db.episode.findUniqueOrThrow({ where: { jobId: job.id } });
    return {
      jobId: job.id,
      durationSec: episode.durationSec!,
      script: await readArtifact(fleet.ctx, job.id, 'script'),
    };
  };

  it('the first episode is sized by the nominal pace and lasts the target ±15 %; its measure is published', async () => {
    expect(await readFleetPace(fleet.ctx.redis, fleet.ctx.prefix)).toEqual({
      engine: paceIdentity(espeak),
      speed: 130 / 170,
      measured: {},
    });
    const { jobId, durationSec, script } = await episodeOf(congressSources);
    expect(script.length).toMatchObject({ speed: 130 / 170, within: true, targetSec: 120 });
    expect(durationSec).toBeGreaterThanOrEqual(120 * 0.85);
    expect(durationSec).toBeLessThanOrEqual(120 * 1.15);

    const learned = await englishPace();
    expect(learned.samples).toBe(1);
    expect(Math.abs(learned.speed - 130 / 170)).toBeLessThan(0.15);
    // Written at the reference pace instead, the script would have run long at this engine's.
    const unpaced = await new LocalScriptWriter().write({
      documents: (await readArtifact(fleet.ctx, jobId, 'sources')).documents,
      style: styleSchema.parse({ hosts: script.hosts, targetMinutes: TARGET_MINUTES }),
    });
    expect(scriptSeconds(unpaced.lines, 'en', learned)).toBeGreaterThan(120 * 1.15);
  });

  it('the next episode, of other prose, is sized by the measured pace and lasts the target ±15 %', async () => {
    const learned = await englishPace();
    const { durationSec, script } = await episodeOf(proseSources);
    expect(script.length).toMatchObject({ speed: learned.speed, within: true });
    expect(durationSec).toBeGreaterThanOrEqual(120 * 0.85);
    expect(durationSec).toBeLessThanOrEqual(120 * 1.15);
    expect((await englishPace()).samples).toBe(2);
  });
});
