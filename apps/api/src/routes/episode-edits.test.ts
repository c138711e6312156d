import type { Readable } from 'node:stream';
import {
  fleetPaceKey,
  LINE_GAP_SEC,
  publishNominalPace,
  recordMeasuredPace,
  type ScriptDocument,
  scriptSeconds,
} from '@podfleet/providers';
import request from 'supertest';
import { makeEpisode } from '../../test/fixtures';
import { bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

// The edit API in-process (real PostgreSQL, Redis, fs storage; no workers): what it answers before
// any job runs. The whole edit → re-render → new version path runs through the fleet in
// packages/fault-suite/src/script-edit.test.ts.

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'episode-edits'));
});
afterAll(() => t.close());

const binary: Parameters<request.Test['parse']>[0] = (res, cb) => {
  const stream = res as unknown as Readable;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

const script: ScriptDocument = {
  title: 'Budget day',
  description: 'What the budget means',
  hosts: [{ name: 'Maya' }, { name: 'Theo' }],
  chapters: [{ title: 'Intro' }],
  lines: [
    { speaker: 'Maya', text: 'The budget is out.', chapter: 0 },
    { speaker: 'Theo', text: 'And it is long.', chapter: 0 },
  ],
  wordCount: 8,
  usage: null,
};

async function scriptedEpisode() {
  const { user, key } = await t.createUser();
  const made = await makeEpisode(t.db, t.storage, user.id);
  await t.storage.put(`jobs/${made.job.id}/script.json`, Buffer.from(JSON.stringify(script)), {
    contentType: 'application/json',
  });
  return { ...made, key };
}

describe('the edit API before any job runs', () => {
  it('GET …/script: lines numbered, the version as ETag; 404 for an episode without a script', async () => {
    const { episode, key } = await scriptedEpisode();
    const res = await request(t.app).get(`/v1/episodes/${episode.id}/script`).set(bearer(key)).expect(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      episodeId: episode.id,
      version: 1,
      renderedVersion: 1,
      title: 'Budget day',
    });
    expect(res.body.lines.map((l: { id: string }) => l.id)).toEqual(['l1', 'l2']);

    const { user, key: otherKey } = await t.createUser();
    const bare = await makeEpisode(t.db, t.storage, user.id);
    const missing = await request(t.app)
      .get(`/v1/episodes/${bare.episode.id}/script`)
      .set(bearer(otherKey))
      .expect(404);
    expect(missing.body.detail).toMatch(/script/);
  });

  it("GET …/script: how long it would last, at the reference pace until the audio workers publish the fleet's", async () => {
    const { episode, key } = await scriptedEpisode();
    const get = async () =>
      (await request(t.app).get(`/v1/episodes/${episode.id}/script`).set(bearer(key)).expect(200)).body
        .estimatedSec as number;
    await t.redis.del(fleetPaceKey(t.settings.prefix));
    const atReference = scriptSeconds(script.lines, 'en');
    expect(await get()).toBeCloseTo(atReference, 1);
    // An engine measured at twice the reference speed says the lines in half the time; the gap stays.
    await publishNominalPace(t.redis, t.settings.prefix, {
      engine: 'espeak',
      speed: 1,
    });
    const text = 'The canal carried grain east and settlers west for a century. '.repeat(16);
    const lines = [{ text }];
    await recordMeasuredPace(t.redis, t.settings.prefix, {
      engine: 'espeak',
      lines,
      language: 'en',
      speechSec: scriptSeconds(lines, 'en') / 2,
    });
    expect(await get()).toBeCloseTo((atReference - LINE_GAP_SEC) / 2 + LINE_GAP_SEC, 1);
    await t.redis.del(fleetPaceKey(t.settings.prefix));
  });

  it('PUT …/script: a weak or stale tag is 412, an invalid script 422 by path, a valid one 202 and the script moves to version 2', async () => {
    const { episode, key } = await scriptedEpisode();
    const body = {
      hosts: script.hosts,
      chapters: script.chapters,
      lines: [
        { id: 'l1', speaker: 'Maya', text: 'The budget is finally out.', chapter: 0 },
        { id: 'l2', speaker: 'Theo', text: 'And it is long.', chapter: 0 },
      ],
    };
    const put = (ifMatch: string, payload: object = body) =>
      request(t.app)
        .put(`/v1/episodes/${episode.id}/script`)
        .set(bearer(key))
        .set('If-Match', ifMatch)
        .send(payload);
    const weak = await put('W/"1"').expect(412);
    expect(weak.body).toMatchObject({
      type: 'urn:podfleet:problem:script-version-mismatch',
      currentVersion: 1,
    });
    const invalid = await put('"1"', {
      ...body,
      lines: [{ speaker: 'Maya', text: 'Hi.', chapter: 3 }],
    }).expect(422);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'lines.0.chapter' })]);
    const unknownField = await put('"1"', { ...body, mood: 'sunny' }).expect(422);
    expect(JSON.stringify(unknownField.body.errors)).toContain('mood');

    const accepted = await put('*').expect(202);
    expect(accepted.headers.etag).toBe('"2"');
    expect(accepted.body).toMatchObject({ status: 'queued', version: 2, deduplicated: false });
    const job = await t.db.job.findUniqueOrThrow({ where: { id: accepted.body.jobId } });
    expect(job.episodeId).toBe(episode.id);

    const now = await request(t.app).get(`/v1/episodes/${episode.id}/script`).set(bearer(key)).expect(200);
    expect(now.headers.etag).toBe('"2"');
    expect(now.body).toMatchObject({ version: 2, renderedVersion: 1 });
    // The longer line makes the edited script longer to say.
    expect(now.body.estimatedSec).toBeCloseTo(scriptSeconds(body.lines, 'en'), 1);
    expect(now.body.estimatedSec).toBeGreaterThan(scriptSeconds(script.lines, 'en'));
    expect(now.body.lines[0]).toEqual({
      id: 'l1',
      speaker: 'Maya',
      text: 'The budget is finally out.',
      chapter: 0,
    });
    const versions = await request(t.app)
      .get(`/v1/episodes/${episode.id}/versions`)
      .set(bearer(key))
      .expect(200);
    expect(versions.body).toMatchObject({ version: 1, scriptVersion: 2 });
    expect(versions.body.items).toHaveLength(1);
  });

  it('POST …/rerender: a host the script lacks is 422 naming the hosts', async () => {
    const { episode, key } = await scriptedEpisode();
    const res = await request(t.app)
      .post(`/v1/episodes/${episode.id}/rerender`)
      .set(bearer(key))
      .send({ hosts: [{ name: 'Ada', voice: 'en-us' }] })
      .expect(422);
    expect(res.body.errors).toEqual([
      { path: 'hosts.0.name', message: '"Ada" is not a host (hosts: Maya, Theo)' },
    ]);
  });

  it('…/versions/{n}/audio: the signed URL plays without a key, only for its own version; no such version is 404', async () => {
    const { episode, key, audio } = await scriptedEpisode();
    const versions = await request(t.app)
      .get(`/v1/episodes/${episode.id}/versions`)
      .set(bearer(key))
      .expect(200);
    const url = new URL(versions.body.items[0].audioUrl);
    expect(url.pathname).toBe(`/v1/episodes/${episode.id}/versions/1/audio`);
    const played = await request(t.app)
      .get(`${url.pathname}${url.search}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect((played.body as Buffer).equals(audio)).toBe(true);
    await request(t.app).get(`/v1/episodes/${episode.id}/versions/2/audio${url.search}`).expect(403);
    await request(t.app).get(`/v1/episodes/${episode.id}/versions/2/audio`).set(bearer(key)).expect(404);
    await request(t.app).get(`/v1/episodes/${episode.id}/versions/x/audio`).set(bearer(key)).expect(404);
  });
});
