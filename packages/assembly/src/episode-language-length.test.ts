// Language and length through the fleet: an LLM writer against its local fake, the real stages,
// and espeak (WASM) recording which voices it was asked for.
import { episodeRequestSchema, readArtifact, submitEpisodeJob } from '@podfleet/pipeline';
import { AnthropicScriptWriter } from '@podfleet/providers';
import { type FakeAnthropic, fakeReplies, startFakeAnthropic } from '@podfleet/providers/testing';
import { createEspeakEngine, type EspeakEngine, type TtsEngine } from '@podfleet/tts';
import { createUser, type Fleet, startFleet, textSources, waitForStatus } from '../test/harness';

describe('language and length through the fleet (Anthropic fake, espeak)', () => {
  let fake: FakeAnthropic;
  let espeak: EspeakEngine;
  let fleet: Fleet;
  const voicesAsked = new Set<string>();

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    espeak = createEspeakEngine({ backend: 'wasm', threads: 2 });
    const engine: TtsEngine = {
      name: espeak.name,
      voicesFor: (hosts, language) => espeak.voicesFor(hosts, language),
      synthesize: (req) => {
        voicesAsked.add(req.voice);
        return espeak.synthesize(req);
      },
      synthesizeBatch: (req) => {
        voicesAsked.add(req.voice);
        return espeak.synthesizeBatch(req);
      },
      close: () => Promise.resolve(),
    };
    const writer = new AnthropicScriptWriter({ apiKey: fake.apiKey, baseURL: fake.url });
    fleet = await startFleet({ engine, writer });
  });
  afterAll(async () => {
    await fleet.close();
    await espeak.close();
    await fake.close();
  });
  beforeEach(() => voicesAsked.clear());

  const submit = async (style: Record<string, unknown>) => {
    const user = await createUser(fleet.db);
    const request = episodeRequestSchema.parse({ type: 'custom', sources: textSources, style });
    const { job } = await submitEpisodeJob(fleet.ctx, { userId: user.id, request });
    const done = await waitForStatus(fleet.db, job.id, ['completed', 'failed'], 120_000);
    return { job: done, script: await readArtifact(fleet.ctx, job.id, 'script') };
  };

  it('a German episode: the prompt asks for German and espeak voices it with German voices', async () => {
    const before = fake.messageRequests().length;
    const { job, script } = await submit({
      hosts: [{ name: 'Lena' }, { name: 'Jonas' }],
      targetMinutes: 1,
      language: 'de',
    });
    expect({ status: job.status, error: job.errorMessage }).toEqual({ status: 'completed', error: null });
    expect(fake.messageRequests()[before]!.system).toContain('language with BCP 47 code "de"');
    expect(script.language).toBe('de');
    expect([...voicesAsked].sort()).toEqual(['de+f3@70', 'de@35']);
  });

  it('a script that is right first time: one call, and the episode lasts the target ±15 %', async () => {
    const before = fake.messageRequests().length;
    const { job, script } = await submit({ targetMinutes: 1 });
    expect(job.status).toBe('completed');
    expect(fake.messageRequests().length - before).toBe(1);
    expect(script.length).toMatchObject({ within: true, followUps: 0 });
    const episode = await fleet.db.episode.findUniqueOrThrow({ where: { jobId: job.id } });
    expect(episode.durationSec).toBeGreaterThanOrEqual(60 * 0.85);
    expect(episode.durationSec).toBeLessThanOrEqual(60 * 1.15);
  });

  it('too short, then right: 2 calls and an episode of the target length', async () => {
    const before = fake.messageRequests().length;
    fake.enqueue(fakeReplies.scaledScript(0.4), fakeReplies.scaledScript(1));
    const { job, script } = await submit({ targetMinutes: 1 });
    expect(job.status).toBe('completed');
    expect(fake.messageRequests().length - before).toBe(2);
    expect(script.length).toMatchObject({ within: true, followUps: 1 });
    const episode = await fleet.db.episode.findUniqueOrThrow({ where: { jobId: job.id } });
    expect(episode.durationSec).toBeGreaterThanOrEqual(60 * 0.85);
    expect(episode.durationSec).toBeLessThanOrEqual(60 * 1.15);
  });

  it('a script that stays too short: the job still completes, the script records the warning', async () => {
    const before = fake.messageRequests().length;
    fake.enqueue(fakeReplies.scaledScript(0.4), fakeReplies.scaledScript(0.5));
    const { job, script } = await submit({ targetMinutes: 1 });
    expect({ status: job.status, error: job.errorMessage }).toEqual({ status: 'completed', error: null });
    expect(fake.messageRequests().length - before).toBe(2);
    expect(script.length).toMatchObject({ within: false, followUps: 1 });
    expect(script.length!.warning).toMatch(
      /^the script would last about \d+ s for a target of 60 s \(±15 %; \d+ words\)$/,
    );
  });
});
