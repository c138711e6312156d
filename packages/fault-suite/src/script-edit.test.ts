// Edit, then re-render (#17) through the fleet: the API and the three worker apps as processes,
// the offline script writer, and the OpenAI-compatible speech fake (Kokoro-FastAPI's voices),
// which counts every line it is asked to voice. A script edit re-voices only the edited line, a
// new voice re-voices that host's lines, and each re-render publishes the episode's next version
// while the replaced one stays downloadable.
import { randomBytes } from 'node:crypto';
import { type FakeOpenAI, startFakeOpenAI } from '@podfleet/providers/testing';
import { waitFor } from '@podfleet/test-kit';
import { waitForJob } from './harness';
import { type ProviderFleet, startProviderFleet } from './provider-fleet';

const KOKORO_VOICES = ['af_bella', 'af_sky', 'am_adam', 'am_michael', 'bf_emma', 'bm_george'];

let speech: FakeOpenAI;
let scenario: ProviderFleet;

interface ScriptView {
  version: number;
  renderedVersion: number;
  title: string;
  hosts: Array<{ name: string; voice?: string }>;
  chapters: Array<{ title: string }>;
  lines: Array<{ id: string; speaker: string; text: string; chapter: number }>;
}

/** A request with headers of our own (If-Match), the body parsed. */
async function send(
  method: string,
  path: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${scenario.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

async function newUser(): Promise<string> {
  const user = await scenario.call('POST', '/v1/users', scenario.adminKey, {
    email: `edit-${randomBytes(6).toString('hex')}@example.test`,
  });
  expect(user.status).toBe(201);
  return user.body.apiKey as string;
}

/** The transcript's segment texts, in order. */
async function spokenTexts(episodeId: string, key: string): Promise<string[]> {
  const transcript = await scenario.call('GET', `/v1/episodes/${episodeId}/transcript`, key);
  expect(transcript.status).toBe(200);
  return (transcript.body.segments as Array<{ text: string }>).map((s) => s.text);
}

async function download(url: string): Promise<Buffer> {
  // A signed URL: no Authorization header, as a podcast app fetches it.
  const res = await fetch(url);
  expect([res.status, res.headers.get('content-type')]).toEqual([200, 'audio/mpeg']);
  return Buffer.from(await res.arrayBuffer());
}

beforeAll(async () => {
  speech = await startFakeOpenAI({ voices: KOKORO_VOICES, listsVoices: true, errorStyle: 'fastapi' });
  scenario = await startProviderFleet('script-edit', {
    TTS_PROVIDER: 'openai',
    OPENAI_TTS_BASE_URL: speech.url,
    OPENAI_TTS_MODEL: 'kokoro',
    OPENAI_TTS_FORMAT: 'pcm',
  });
}, 120_000);

afterAll(async () => {
  await scenario?.stop();
  await speech?.close();
}, 60_000);

describe('edit, then re-render (the fleet, the speech fake counting lines)', () => {
  let userKey: string;
  let episodeId: string;
  let firstAudio: Buffer;

  it('makes the episode to edit', async () => {
    userKey = await newUser();
    // The audio worker publishes the speech server's voices while it starts.
    await waitFor(
      async () => ((await scenario.call('GET', '/v1/voices', userKey)).status === 200 ? true : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'the audio worker to publish its voices',
      },
    );
    const submitted = await scenario.call('POST', '/v1/episodes', userKey, {
      type: 'custom',
      sources: [
        {
          kind: 'text',
          title: 'Canal notes',
          text:
            'The Erie Canal opened in 1825 and joined the Hudson River to Lake Erie. ' +
            'It cut the cost of moving goods from the Great Lakes to New York City by ninety percent. ' +
            'Towns such as Buffalo and Rochester grew quickly along its route. ' +
            'The canal was enlarged twice in the following decades to carry bigger boats.',
        },
      ],
      style: {
        hosts: [
          { name: 'Maya', voice: 'af_bella' },
          { name: 'Theo', voice: 'bm_george' },
        ],
        targetMinutes: 0.5,
      },
    });
    expect(submitted.status).toBe(202);
    const job = await waitForJob(scenario, submitted.body.jobId as string, ['completed', 'failed'], 90_000);
    expect([job.status, job.errorCode]).toEqual(['completed', null]);
    episodeId = job.episodeId!;
    const episode = await scenario.call('GET', `/v1/episodes/${episodeId}`, userKey);
    expect(episode.body.version).toBe(1);
    firstAudio = await download(episode.body.audioUrl as string);
  });

  it('edits one line: one request at the speech server, version 2, the edit in the transcript, version 1 still downloadable, the feed moves its enclosure', async () => {
    const got = await send('GET', `/v1/episodes/${episodeId}/script`, userKey);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    const script = got.body as unknown as ScriptView;
    expect([script.version, script.renderedVersion]).toEqual([1, 1]);
    expect(script.lines.length).toBeGreaterThan(2);
    expect(new Set(script.lines.map((l) => l.id)).size).toBe(script.lines.length);
    const before = await spokenTexts(episodeId, userKey);
    expect(before).toEqual(script.lines.map((l) => l.text));
    // Version 1 voiced every line once.
    expect(speech.speechRequests()).toHaveLength(script.lines.length);

    const edited = 'Here is a line the listener asked us to fix, said again with care.';
    const target = script.lines[1]!;
    const lines = script.lines.map((l) => (l.id === target.id ? { ...l, text: edited } : l));
    const body = { hosts: script.hosts, chapters: script.chapters, lines };
    const requestsBefore = speech.speechRequests().length;

    // Without If-Match: 428; with a stale one: 412 naming the current version; nothing is started.
    const missing = await send('PUT', `/v1/episodes/${episodeId}/script`, userKey, body);
    expect(missing.status).toBe(428);
    const stale = await send('PUT', `/v1/episodes/${episodeId}/script`, userKey, body, { 'if-match': '"7"' });
    expect([stale.status, stale.body.currentVersion, stale.headers.get('etag')]).toEqual([412, 1, '"1"']);
    // A speaker who is not a host: 422 naming the line.
    const invalid = await send(
      'PUT',
      `/v1/episodes/${episodeId}/script`,
      userKey,
      { ...body, lines: [...lines, { speaker: 'Nobody', text: 'Hello.', chapter: 0 }] },
      { 'if-match': '"1"' },
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: `lines.${lines.length}.speaker` })]);

    const put = await send('PUT', `/v1/episodes/${episodeId}/script`, userKey, body, { 'if-match': '"1"' });
    expect(put.status).toBe(202);
    expect(put.headers.get('etag')).toBe('"2"');
    expect(put.body).toMatchObject({ status: 'queued', version: 2, deduplicated: false });
    expect(put.body.pollUrl).toMatch(new RegExp(`/v1/jobs/${put.body.jobId}$`));
    // The same edit again from version 1 lost the race: 412.
    const again = await send('PUT', `/v1/episodes/${episodeId}/script`, userKey, body, { 'if-match': '"1"' });
    expect([again.status, again.body.currentVersion]).toEqual([412, 2]);

    const job = await waitForJob(scenario, put.body.jobId as string, ['completed', 'failed'], 90_000);
    expect([job.status, job.errorCode, job.episodeId]).toEqual(['completed', null, episodeId]);
    // The scrape came from the episode's job (it did not run); the script stage took the edit.
    const stages = await scenario.db.jobStage.findMany({ where: { jobId: job.id } });
    expect(Object.fromEntries(stages.map((s) => [s.stage, s.durationMs !== null]))).toEqual({
      scrape: false,
      script: true,
      audio: true,
      upload: true,
    });
    const reused = await scenario.db.jobEvent.findMany({ where: { jobId: job.id, type: 'stage_reused' } });
    expect(reused.map((e) => (e.data as { stage: string }).stage)).toEqual(['scrape']);

    // Exactly the edited line went to the speech server, in its host's voice.
    const voiced = speech.speechRequests().slice(requestsBefore);
    expect(voiced.map((r) => [r.input, r.voice])).toEqual([
      [edited, target.speaker === 'Maya' ? 'af_bella' : 'bm_george'],
    ]);

    const episode = await scenario.call('GET', `/v1/episodes/${episodeId}`, userKey);
    expect(episode.body.version).toBe(2);
    const after = await spokenTexts(episodeId, userKey);
    expect(after).toEqual(before.map((text, i) => (i === 1 ? edited : text)));
    const secondAudio = await download(episode.body.audioUrl as string);
    expect(secondAudio.equals(firstAudio)).toBe(false);

    // Version 1 stays downloadable, byte for byte.
    const versions = await scenario.call('GET', `/v1/episodes/${episodeId}/versions`, userKey);
    expect(versions.status).toBe(200);
    const items = versions.body.items as Array<{
      version: number;
      current: boolean;
      audioUrl: string;
      sizeBytes: number;
    }>;
    expect(items.map((v) => [v.version, v.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect((await download(items[1]!.audioUrl)).equals(firstAudio)).toBe(true);
    expect((await download(items[0]!.audioUrl)).equals(secondAudio)).toBe(true);
    const script2 = await send('GET', `/v1/episodes/${episodeId}/script`, userKey);
    expect(script2.headers.get('etag')).toBe('"2"');
    expect((script2.body as unknown as ScriptView).lines.map((l) => l.id)).toEqual(
      script.lines.map((l) => l.id),
    );

    // The feed: the same item (guid), its enclosure now version 2's URL and length.
    const me = await scenario.call('GET', '/v1/me', userKey);
    const feed = await (await fetch(me.body.feedUrl as string)).text();
    const item = feed.split('<item>').find((i) => i.includes(`>${episodeId}</guid>`));
    expect(item).toBeDefined();
    expect(feed.split('<item>').length - 1).toBe(1);
    const enclosure = /<enclosure url="([^"]+)" length="(\d+)"/.exec(item!);
    expect(enclosure?.[1]).toContain(`/v1/episodes/${episodeId}/versions/2/audio?`);
    expect(Number(enclosure?.[2])).toBe(secondAudio.length);
    expect((await download(enclosure![1]!.replaceAll('&amp;', '&'))).equals(secondAudio)).toBe(true);
  });

  it('re-voices a host: every line of that host, and only those, goes to the speech server in the new voice', async () => {
    const script = (await send('GET', `/v1/episodes/${episodeId}/script`, userKey))
      .body as unknown as ScriptView;
    const unknown = await send('POST', `/v1/episodes/${episodeId}/rerender`, userKey, {
      hosts: [{ name: 'Theo', voice: 'nova' }],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toContain(`valid voices: ${KOKORO_VOICES.join(', ')}`);

    const requestsBefore = speech.speechRequests().length;
    const rerender = await send('POST', `/v1/episodes/${episodeId}/rerender`, userKey, {
      hosts: [{ name: 'Theo', voice: 'am_adam' }],
    });
    expect(rerender.status).toBe(202);
    expect(rerender.body.version).toBe(3);
    const job = await waitForJob(scenario, rerender.body.jobId as string, ['completed', 'failed'], 90_000);
    expect([job.status, job.errorCode]).toEqual(['completed', null]);

    const theirs = script.lines.filter((l) => l.speaker === 'Theo').map((l) => l.text);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.length).toBeLessThan(script.lines.length);
    const voiced = speech.speechRequests().slice(requestsBefore);
    expect(voiced.map((r) => r.voice)).toEqual(theirs.map(() => 'am_adam'));
    expect(voiced.map((r) => r.input).sort()).toEqual([...theirs].sort());
    const episode = await scenario.call('GET', `/v1/episodes/${episodeId}`, userKey);
    expect(episode.body.version).toBe(3);
    const versions = await scenario.call('GET', `/v1/episodes/${episodeId}/versions`, userKey);
    expect((versions.body.items as Array<{ version: number }>).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it("answers 404 for another user's episode: script, edit, re-render, versions", async () => {
    const otherKey = await newUser();
    const script = await send('GET', `/v1/episodes/${episodeId}/script`, otherKey);
    expect(script.status).toBe(404);
    const put = await send(
      'PUT',
      `/v1/episodes/${episodeId}/script`,
      otherKey,
      {
        hosts: [{ name: 'Maya' }],
        chapters: [{ title: 'A' }],
        lines: [{ speaker: 'Maya', text: 'Hi.', chapter: 0 }],
      },
      { 'if-match': '"3"' },
    );
    expect(put.status).toBe(404);
    const rerender = await send('POST', `/v1/episodes/${episodeId}/rerender`, otherKey, {
      hosts: [{ voice: 'am_adam' }],
    });
    expect(rerender.status).toBe(404);
    expect((await send('GET', `/v1/episodes/${episodeId}/versions`, otherKey)).status).toBe(404);
    const versionAudio = await send('GET', `/v1/episodes/${episodeId}/versions/1/audio`, otherKey);
    expect(versionAudio.status).toBe(404);
    // Nothing was started for them.
    const theirJobs = await scenario.call('GET', '/v1/jobs', otherKey);
    expect(theirJobs.body.items).toEqual([]);
  });
});
