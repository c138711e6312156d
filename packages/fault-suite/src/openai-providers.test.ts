// The scenario the fault suite runs with Anthropic and ElevenLabs, with the OpenAI-compatible
// providers instead: the API and the three worker apps as processes, configured only through
// their environment (SCRIPT_PROVIDER=openai, TTS_PROVIDER=openai), a text source in, an episode
// out. The chat server is a local fake with llama.cpp's quirk (json_schema refused, json_object
// taken), the speech server one of Kokoro-FastAPI (its own voices, listed at /v1/audio/voices).
import { randomBytes } from 'node:crypto';
import { type FakeOpenAI, startFakeOpenAI } from '@podfleet/providers/testing';
import { waitFor } from '@podfleet/test-kit';
import { waitForJob } from './harness';
import { type ProviderFleet, startProviderFleet } from './provider-fleet';

const KOKORO_VOICES = ['af_bella', 'af_sky', 'am_adam', 'am_michael', 'bf_emma', 'bm_george'];

let chat: FakeOpenAI;
let speech: FakeOpenAI;
let scenario: ProviderFleet;

beforeAll(async () => {
  [chat, speech] = await Promise.all([
    startFakeOpenAI({ apiKey: 'sk-chat', responseFormat: 'json_object_only' }),
    startFakeOpenAI({ voices: KOKORO_VOICES, listsVoices: true, errorStyle: 'fastapi' }),
  ]);
  scenario = await startProviderFleet('openai', {
    SCRIPT_PROVIDER: 'openai',
    OPENAI_BASE_URL: chat.url,
    OPENAI_API_KEY: 'sk-chat',
    OPENAI_MODEL: 'qwen2.5:7b',
    TTS_PROVIDER: 'openai',
    OPENAI_TTS_BASE_URL: speech.url,
    OPENAI_TTS_MODEL: 'kokoro',
    OPENAI_TTS_FORMAT: 'pcm',
  });
}, 120_000);

afterAll(async () => {
  await scenario?.stop();
  await Promise.all([chat?.close(), speech?.close()]);
}, 60_000);

describe('the fleet with the OpenAI-compatible providers (local fakes)', () => {
  it('turns a text source into an episode: script by chat completions, a voice per host by /audio/speech', async () => {
    const user = await scenario.call('POST', '/v1/users', scenario.adminKey, {
      email: `openai-${randomBytes(6).toString('hex')}@example.test`,
    });
    expect(user.status).toBe(201);
    const userKey = user.body.apiKey as string;

    // The audio worker publishes the speech server's voices while it sets up (its BullMQ workers,
    // which the fleet waits for, may register first).
    const voices = await waitFor(
      async () => {
        const answer = await scenario.call('GET', '/v1/voices', userKey);
        return answer.status === 503 ? undefined : answer;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the audio worker to publish its voices' },
    );
    expect(voices.status).toBe(200);
    expect(voices.body).toMatchObject({ engine: 'openai', languages: ['en-gb', 'en-us'] });
    expect((voices.body.voices as Array<{ id: string }>).map((v) => v.id)).toEqual(KOKORO_VOICES);
    const refused = await scenario.call('POST', '/v1/episodes', userKey, {
      type: 'custom',
      sources: [{ kind: 'text', title: 'Refused', text: 'A voice the server does not have.' }],
      style: { hosts: [{ name: 'Maya', voice: 'nova' }] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain(`valid voices: ${KOKORO_VOICES.join(', ')}`);

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
      style: { hosts: [{ name: 'Maya' }, { name: 'Theo', voice: 'bm_george' }], targetMinutes: 0.5 },
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.jobId as string;

    const job = await waitForJob(scenario, jobId, ['completed', 'failed'], 90_000);
    expect([job.status, job.errorCode, job.errorMessage]).toEqual(['completed', null, null]);
    expect(job.providers).toMatchObject({ script: 'openai', tts: 'openai' });

    // The script: json_schema refused, then json_object, with the key; the model as configured.
    const bodies = chat.chatRequests();
    expect(bodies.map((b) => b.response_format?.type)).toEqual(['json_schema', 'json_object']);
    expect(bodies.every((b) => b.model === 'qwen2.5:7b')).toBe(true);
    expect(chat.requests.every((r) => r.headers.authorization === 'Bearer sk-chat')).toBe(true);

    // The voices: Maya takes the server's first voice, Theo the one chosen; no key for a local server.
    const transcript = await scenario.call('GET', `/v1/episodes/${job.episodeId}/transcript`, userKey);
    expect(transcript.status).toBe(200);
    const segments = transcript.body.segments as Array<{
      speaker: string;
      text: string;
      start: number;
      end: number;
    }>;
    expect(new Set(segments.map((s) => s.speaker))).toEqual(new Set(['Maya', 'Theo']));
    const voiceOf = new Map(speech.speechRequests().map((r) => [r.input, r.voice]));
    for (const segment of segments) {
      expect({ text: segment.text, voice: voiceOf.get(segment.text) }).toEqual({
        text: segment.text,
        voice: segment.speaker === 'Maya' ? 'af_bella' : 'bm_george',
      });
    }
    expect(speech.speechRequests().every((r) => r.model === 'kokoro' && r.response_format === 'pcm')).toBe(
      true,
    );
    expect(speech.requests.some((r) => r.headers.authorization !== undefined)).toBe(false);

    // The audio: as long as the fake's speech plus the pauses, timed line by line.
    const episode = await scenario.db.episode.findUniqueOrThrow({ where: { id: job.episodeId! } });
    const spoken = segments.reduce((sum, s) => sum + s.end - s.start, 0);
    expect(spoken).toBeGreaterThan(segments.reduce((sum, s) => sum + s.text.length * 0.05, 0) * 0.9);
    expect(episode.durationSec).toBeGreaterThan(spoken);
    const audio = await fetch(`${scenario.apiUrl}/v1/episodes/${episode.id}/audio`, {
      headers: { authorization: `Bearer ${userKey}` },
    });
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  });
});
