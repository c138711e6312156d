// The OpenAI-compatible providers' scenario with ElevenLabs in dialogue mode: the API and the
// three worker apps as processes, configured only through their environment
// (TTS_PROVIDER=elevenlabs, ELEVENLABS_MODE=dialogue), a text source in, an episode out, against
// local fakes of Anthropic and ElevenLabs (text-to-dialogue with timestamps, text-to-speech).
import { randomBytes } from 'node:crypto';
import {
  type FakeAnthropic,
  type FakeElevenLabs,
  startFakeAnthropic,
  startFakeElevenLabs,
} from '@podfleet/providers/testing';
import { waitFor } from '@podfleet/test-kit';
import { waitForJob } from './harness';
import { makeToneMp3 } from './mp3';
import { type ProviderFleet, startProviderFleet } from './provider-fleet';

/** ElevenLabs' premade Adam, one of the engine's default voices (so the API knows it). */
const THEO_VOICE = 'pNInY2ZSB7x0fq7ddJZq';
/** What the fake's text-to-speech answers: a line voiced one by one lasts this long. */
const SPEECH_CLIP_SEC = 0.8;

let llm: FakeAnthropic;
let tts: FakeElevenLabs;
let scenario: ProviderFleet;

beforeAll(async () => {
  [llm, tts] = await Promise.all([
    startFakeAnthropic(),
    makeToneMp3(SPEECH_CLIP_SEC).then((mp3) => startFakeElevenLabs({ apiKey: 'xi-dialogue', mp3 })),
  ]);
  scenario = await startProviderFleet('dialogue', {
    SCRIPT_PROVIDER: 'anthropic',
    ANTHROPIC_API_KEY: llm.apiKey,
    ANTHROPIC_BASE_URL: llm.url,
    TTS_PROVIDER: 'elevenlabs',
    ELEVENLABS_API_KEY: 'xi-dialogue',
    ELEVENLABS_BASE_URL: tts.url,
    ELEVENLABS_MODE: 'dialogue',
    // Small runs, so one script is voiced in several dialogue requests.
    ELEVENLABS_DIALOGUE_MAX_CHARS: '250',
  });
}, 120_000);

afterAll(async () => {
  await scenario?.stop();
  await Promise.all([llm?.close(), tts?.close()]);
}, 60_000);

describe('the fleet with ElevenLabs in dialogue mode (local fakes)', () => {
  it('voices runs of lines by text-to-dialogue, timing the transcript by its voice segments', async () => {
    const user = await scenario.call('POST', '/v1/users', scenario.adminKey, {
      email: `dialogue-${randomBytes(6).toString('hex')}@example.test`,
    });
    expect(user.status).toBe(201);
    const userKey = user.body.apiKey as string;
    // The audio worker publishes its voices while it sets up; a host's chosen voice is checked against them.
    await waitFor(
      async () => ((await scenario.call('GET', '/v1/voices', userKey)).status === 200 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200, what: 'the audio worker to publish its voices' },
    );

    // One run the dialogue endpoint refuses (not for the key, quota or rate): voiced line by line.
    tts.enqueueDialogue({ status: 400, reason: 'invalid_request' });
    const submitted = await scenario.call('POST', '/v1/episodes', userKey, {
      type: 'custom',
      sources: [
        {
          kind: 'text',
          title: 'Canal notes',
          text:
            'The Erie Canal opened in 1825 and joined the Hudson River to Lake Erie. ' +
            'It cut the cost of moving goods from the Great Lakes to New York City by ninety percent. ' +
            'Towns such as Buffalo and Rochester grew quickly along its route.',
        },
      ],
      style: { hosts: [{ name: 'Maya' }, { name: 'Theo', voice: THEO_VOICE }], targetMinutes: 1 },
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.jobId as string;

    const job = await waitForJob(scenario, jobId, ['completed', 'failed'], 90_000);
    expect([job.status, job.errorCode, job.errorMessage]).toEqual(['completed', null, null]);
    expect(job.providers).toMatchObject({ script: 'anthropic', tts: 'elevenlabs' });

    const transcript = await scenario.call('GET', `/v1/episodes/${job.episodeId}/transcript`, userKey);
    expect(transcript.status).toBe(200);
    const segments = transcript.body.segments as Array<{
      speaker: string;
      text: string;
      start: number;
      end: number;
    }>;

    // Dialogue requests within the limit, eleven_v3, PCM; each host keeps one voice, Theo the chosen one.
    const requests = tts.dialogueRequests();
    expect(requests.length).toBeGreaterThan(2);
    for (const request of requests) {
      expect(request).toMatchObject({ model_id: 'eleven_v3', output_format: 'pcm_24000' });
      expect(request.inputs.reduce((n, i) => n + i.text.length, 0)).toBeLessThanOrEqual(250);
    }
    const voiceOf = new Map(requests.flatMap((r) => r.inputs.map((i) => [i.text, i.voice_id] as const)));
    const mayaVoices = new Set(segments.filter((s) => s.speaker === 'Maya').map((s) => voiceOf.get(s.text)));
    expect(mayaVoices.size).toBe(1);
    expect(mayaVoices.has(THEO_VOICE)).toBe(false);
    for (const s of segments.filter((s) => s.speaker === 'Theo'))
      expect(voiceOf.get(s.text)).toBe(THEO_VOICE);
    // Every line was in exactly one dialogue request, each request a run of consecutive lines.
    const texts = segments.map((s) => s.text);
    expect(requests.flatMap((r) => r.inputs.map((i) => i.text)).sort()).toEqual([...texts].sort());
    for (const { inputs } of requests) {
      const first = texts.indexOf(inputs[0]!.text);
      expect(inputs.map((i) => i.text)).toEqual(texts.slice(first, first + inputs.length));
    }

    // Lines of answered runs last what their voice segments say; the refused run's lines were
    // voiced one by one (the fake's 0.8 s clip each).
    const spokenFor = new Map(
      tts
        .dialogueAnswers()
        .flatMap((a) =>
          a.voice_segments.map(
            (v) =>
              [a.inputs[v.dialogue_input_index]!.text, v.end_time_seconds - v.start_time_seconds] as const,
          ),
        ),
    );
    const byLine = new Set(tts.speechRequests().map((r) => r.text));
    expect(byLine.size).toBeGreaterThan(0);
    expect(byLine.size + spokenFor.size).toBe(segments.length);
    for (const segment of segments) {
      const expected = byLine.has(segment.text) ? SPEECH_CLIP_SEC : spokenFor.get(segment.text)!;
      expect({ text: segment.text, duration: segment.end - segment.start }).toEqual({
        text: segment.text,
        duration: expect.closeTo(expected, byLine.has(segment.text) ? 1 : 2),
      });
    }

    const episode = await scenario.db.episode.findUniqueOrThrow({ where: { id: job.episodeId! } });
    expect(episode.durationSec).toBeGreaterThan(segments.at(-1)!.end - 0.01);
    const audio = await fetch(`${scenario.apiUrl}/v1/episodes/${episode.id}/audio`, {
      headers: { authorization: `Bearer ${userKey}` },
    });
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  });
});
