import type { Readable } from 'node:stream';
import { S3StorageDriver } from '@podfleet/providers';
import { waitFor } from '@podfleet/test-kit';
import { mediaUrlSigningKey, UrlSigner } from '@podfleet/webhooks';
import request from 'supertest';
import { makeEpisode, SEGMENTS } from '../../test/fixtures';
import { ADMIN_KEY, bearer, MEDIA_URL_SECRET, startTestApi, type TestApi, testEnv } from '../../test/harness';
import { parseSrt, parseVtt } from '../../test/subtitles';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'episodes'), {
    settings: { publicBaseUrl: 'https://pods.example.test' },
  });
});
afterAll(() => t.close());

/** supertest buffers binary bodies only with a parser. */
const binary: Parameters<request.Test['parse']>[0] = (res, cb) => {
  const stream = res as unknown as Readable; // in Node, superagent hands parsers the response stream
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('episodes', () => {
  it('GET /v1/episodes/:id returns CONTRACT "Episode" with a signed audio URL', async () => {
    const { user, key } = await t.createUser();
    const { episode, job } = await makeEpisode(t.db, t.storage, user.id);
    const res = await request(t.app).get(`/v1/episodes/${episode.id}`).set(bearer(key)).expect(200);
    expect(res.body).toMatchObject({
      id: episode.id,
      jobId: job.id,
      title: 'Budget day',
      durationSec: 3727.004,
      sizeBytes: 4096,
      mimeType: 'audio/mpeg',
      chapters: [{ title: 'Intro', startSec: 0 }],
      sources: [{ kind: 'text', title: 'Budget', url: null }],
      transcriptUrl: `https://pods.example.test/v1/episodes/${episode.id}/transcript`,
    });
    expect(res.body.audioUrl).toMatch(
      new RegExp(`^https://pods\\.example\\.test/v1/episodes/${episode.id}/audio\\?exp=\\d+&sig=[\\w-]+$`),
    );
    const job2 = await request(t.app).get(`/v1/jobs/${job.id}`).set(bearer(key)).expect(200);
    expect(job2.body.episodeId).toBe(episode.id);
  });

  it('GET /v1/episodes pages newest first and shows only your own', async () => {
    const { user, key } = await t.createUser();
    const other = await t.createUser();
    await makeEpisode(t.db, t.storage, other.user.id);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await makeEpisode(t.db, t.storage, user.id)).episode.id);
    const first = await request(t.app).get('/v1/episodes?limit=2').set(bearer(key)).expect(200);
    const second = await request(t.app)
      .get(`/v1/episodes?limit=2&cursor=${first.body.nextCursor}`)
      .set(bearer(key))
      .expect(200);
    expect([...first.body.items, ...second.body.items].map((e: { id: string }) => e.id)).toEqual(
      ids.reverse(),
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 400 to a bad limit or cursor', async () => {
    const { key } = await t.createUser();
    await request(t.app).get('/v1/episodes?limit=0').set(bearer(key)).expect(400);
    const res = await request(t.app).get('/v1/episodes?cursor=garbage').set(bearer(key)).expect(400);
    expect(res.body.type).toBe('urn:podfleet:problem:validation');
  });

  it("is 404 for another user's episode, its audio, transcript and listens", async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, a.user.id);
    for (const path of ['', '/audio', '/transcript']) {
      await request(t.app).get(`/v1/episodes/${episode.id}${path}`).set(bearer(b.key)).expect(404);
    }
    await request(t.app).post(`/v1/episodes/${episode.id}/listens`).set(bearer(b.key)).expect(404);
    await request(t.app).get(`/v1/episodes/${episode.id}`).set(bearer(ADMIN_KEY)).expect(200);
  });
});

describe('GET /v1/episodes/:id/audio', () => {
  it('streams the whole file with Accept-Ranges', async () => {
    const { user, key } = await t.createUser();
    const { episode, audio } = await makeEpisode(t.db, t.storage, user.id);
    const res = await request(t.app)
      .get(`/v1/episodes/${episode.id}/audio`)
      .set(bearer(key))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toBe('audio/mpeg');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-length']).toBe('4096');
    expect(Buffer.compare(res.body as Buffer, audio)).toBe(0);
  });

  it('answers a Range with 206 and exactly those bytes', async () => {
    const { user, key } = await t.createUser();
    const { episode, audio } = await makeEpisode(t.db, t.storage, user.id);
    const res = await request(t.app)
      .get(`/v1/episodes/${episode.id}/audio`)
      .set(bearer(key))
      .set('Range', 'bytes=100-199')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(res.headers['content-range']).toBe('bytes 100-199/4096');
    expect(res.headers['content-length']).toBe('100');
    expect(Buffer.compare(res.body as Buffer, audio.subarray(100, 200))).toBe(0);
    const tail = await request(t.app)
      .get(`/v1/episodes/${episode.id}/audio`)
      .set(bearer(key))
      .set('Range', 'bytes=-10')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(tail.headers['content-range']).toBe('bytes 4086-4095/4096');
    expect(Buffer.compare(tail.body as Buffer, audio.subarray(4086))).toBe(0);
  });

  it('answers 416 with Content-Range for a range outside the file', async () => {
    const { user, key } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id);
    const res = await request(t.app)
      .get(`/v1/episodes/${episode.id}/audio`)
      .set(bearer(key))
      .set('Range', 'bytes=5000-')
      .expect(416);
    expect(res.headers['content-range']).toBe('bytes */4096');
    expect(res.body).toMatchObject({ status: 416 });
    await request(t.app)
      .get(`/v1/episodes/${episode.id}/audio`)
      .set(bearer(key))
      .set('Range', 'bytes=300-200')
      .expect(416);
  });

  it('revalidates: 304 on a matching If-None-Match, and If-Range gives the range only while the ETag matches', async () => {
    const { user, key } = await t.createUser();
    const { episode, audio } = await makeEpisode(t.db, t.storage, user.id);
    const path = `/v1/episodes/${episode.id}/audio`;
    const first = await request(t.app).get(path).set(bearer(key)).buffer(true).parse(binary).expect(200);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/); // the stored SHA-256
    expect(first.headers['last-modified']).toBeDefined();
    const again = await request(t.app).get(path).set(bearer(key)).set('If-None-Match', etag).expect(304);
    expect(again.headers.etag).toBe(etag);
    expect(again.text ?? '').toBe('');
    await request(t.app).get(path).set(bearer(key)).set('If-None-Match', '"stale"').expect(200);

    const resumed = await request(t.app)
      .get(path)
      .set(bearer(key))
      .set('Range', 'bytes=4000-')
      .set('If-Range', etag)
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(resumed.body as Buffer, audio.subarray(4000))).toBe(0);
    const changed = await request(t.app)
      .get(path)
      .set(bearer(key))
      .set('Range', 'bytes=4000-')
      .set('If-Range', '"an-older-file"')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(Buffer.compare(changed.body as Buffer, audio)).toBe(0);
  });

  it('HEAD gives the headers without the body, with the same answers as GET', async () => {
    const { user, key } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id);
    const path = `/v1/episodes/${episode.id}/audio`;
    const res = await request(t.app).head(path).set(bearer(key)).expect(200);
    expect(res.headers['content-length']).toBe('4096');
    expect(res.headers['accept-ranges']).toBe('bytes');
    const part = await request(t.app).head(path).set(bearer(key)).set('Range', 'bytes=0-99').expect(206);
    expect(part.headers['content-range']).toBe('bytes 0-99/4096');
    expect(part.headers['content-length']).toBe('100');
    await request(t.app).head(path).set(bearer(key)).set('Range', 'bytes=5000-').expect(416);
    await request(t.app).head(path).expect(401);
    await request(t.app)
      .head(`${path}?exp=${Math.floor(Date.now() / 1000) + 60}&sig=forged`)
      .expect(403);
    const other = await t.createUser();
    await request(t.app).head(path).set(bearer(other.key)).expect(404);
  });

  it('plays from the signed URL without an Authorization header, refusing forged or expired ones', async () => {
    const { user, key } = await t.createUser();
    const { episode, audio } = await makeEpisode(t.db, t.storage, user.id);
    const view = await request(t.app).get(`/v1/episodes/${episode.id}`).set(bearer(key)).expect(200);
    const url = new URL(view.body.audioUrl);
    const path = `${url.pathname}${url.search}`;
    const res = await request(t.app)
      .get(path)
      .set('Range', 'bytes=0-9')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(res.body as Buffer, audio.subarray(0, 10))).toBe(0);

    const exp = Number(url.searchParams.get('exp'));
    const sig = url.searchParams.get('sig') ?? '';
    await request(t.app)
      .get(`${url.pathname}?exp=${exp + 3600}&sig=${sig}`)
      .expect(403);
    const other = await makeEpisode(t.db, t.storage, user.id);
    const forged = await request(t.app)
      .get(`/v1/episodes/${other.episode.id}/audio?exp=${exp}&sig=${sig}`)
      .expect(403);
    expect(forged.body.type).toBe('urn:podfleet:problem:signature-invalid');

    // Signed correctly (same MEDIA_URL_SECRET), but an hour ago with a one-minute lifetime.
    const past = new UrlSigner(mediaUrlSigningKey(MEDIA_URL_SECRET), 60, 60).sign(
      url.pathname,
      Date.now() - 3600_000,
    );
    const expired = await request(t.app).get(`${url.pathname}?exp=${past.exp}&sig=${past.sig}`).expect(403);
    expect(expired.body.type).toBe('urn:podfleet:problem:signature-expired');
    await request(t.app).get(url.pathname).expect(401);
  });

  it('counts a fetch from the start as a listen, not a seek', async () => {
    const { user, key } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id);
    await request(t.app)
      .get(`/v1/episodes/${episode.id}/audio`)
      .set(bearer(key))
      .set('Range', 'bytes=2000-')
      .expect(206);
    await request(t.app).get(`/v1/episodes/${episode.id}/audio`).set(bearer(key)).expect(200);
    await waitFor(async () => (await t.db.listen.count({ where: { episodeId: episode.id } })) >= 1, {
      what: 'the listen',
    });
    expect(await t.db.listen.count({ where: { episodeId: episode.id } })).toBe(1);
  });

  it('counts one listen per client and episode per hour, however often it plays or posts (issue #18)', async () => {
    const { user, key } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id);
    const second = await makeEpisode(t.db, t.storage, user.id);
    for (let i = 0; i < 3; i += 1) {
      await request(t.app).get(`/v1/episodes/${episode.id}/audio`).set(bearer(key)).expect(200);
      await request(t.app).post(`/v1/episodes/${episode.id}/listens`).set(bearer(key)).expect(204);
    }
    await request(t.app).post(`/v1/episodes/${second.episode.id}/listens`).set(bearer(key)).expect(204);
    const listensOf = (episodeId: string) => t.db.listen.count({ where: { episodeId } });
    await waitFor(async () => (await listensOf(episode.id)) >= 1, { what: 'the listen' });
    // The POSTs are answered after their write: every count is in by now.
    expect(await listensOf(episode.id)).toBe(1);
    expect(await listensOf(second.episode.id)).toBe(1);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).listens).toBe(2);
    // Another client (address) counts on its own.
    await request(t.app)
      .post(`/v1/episodes/${episode.id}/listens`)
      .set(bearer(key))
      .set('X-Forwarded-For', '203.0.113.50')
      .expect(204);
    expect(await listensOf(episode.id)).toBe(2);
  });

  it('voids every signed URL handed out before the owner rotates the feed token (403, issue #18)', async () => {
    const { user, key } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id);
    const before = await request(t.app).get(`/v1/episodes/${episode.id}`).set(bearer(key)).expect(200);
    const feedBefore = (await request(t.app).get('/v1/me').set(bearer(key)).expect(200)).body.feedUrl;
    const feedXml = (await request(t.app).get(new URL(feedBefore).pathname).expect(200)).text;
    const feedTranscript = /<podcast:transcript url="([^"]+)"/.exec(feedXml)?.[1]?.replace(/&amp;/g, '&');
    expect(feedTranscript).toBeDefined();
    const local = (href: string) => {
      const u = new URL(href);
      return `${u.pathname}${u.search}`;
    };
    const oldAudio = local(before.body.audioUrl);
    await request(t.app).get(oldAudio).set('Range', 'bytes=0-9').expect(206);
    await request(t.app)
      .get(local(feedTranscript as string))
      .expect(200);

    await request(t.app).post('/v1/me/feed-token').set(bearer(key)).expect(200);

    const refused = await request(t.app).get(oldAudio).set('Range', 'bytes=0-9').expect(403);
    expect(refused.body.type).toBe('urn:podfleet:problem:signature-invalid');
    await request(t.app)
      .get(local(feedTranscript as string))
      .expect(403);
    const after = await request(t.app).get(`/v1/episodes/${episode.id}`).set(bearer(key)).expect(200);
    expect(after.body.audioUrl).not.toBe(before.body.audioUrl);
    await request(t.app).get(local(after.body.audioUrl)).set('Range', 'bytes=0-9').expect(206);
  });
});

describe('GET /v1/episodes/:id/transcript', () => {
  it('serves json, WebVTT, SRT and plain text built from the timed segments', async () => {
    const { user, key } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id);
    const path = `/v1/episodes/${episode.id}/transcript`;

    const json = await request(t.app).get(path).set(bearer(key)).expect(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toEqual({ episodeId: episode.id, segments: SEGMENTS });

    const vtt = await request(t.app).get(`${path}?format=vtt`).set(bearer(key)).expect(200);
    expect(vtt.headers['content-type']).toMatch(/^text\/vtt/);
    const vttCues = parseVtt(vtt.text);
    expect(vttCues.map((c) => [c.start, c.end])).toEqual(SEGMENTS.map((s) => [s.start, s.end]));
    expect(vttCues[0]?.text).toBe('<v Maya>Welcome to the show.');

    const srt = await request(t.app).get(`${path}?format=srt`).set(bearer(key)).expect(200);
    expect(srt.headers['content-type']).toMatch(/^application\/x-subrip/);
    const srtCues = parseSrt(srt.text);
    expect(srtCues.map((c) => c.text)).toEqual(SEGMENTS.map((s) => `${s.speaker}: ${s.text}`));
    expect(srtCues[2]?.start).toBe(3725.5);

    const txt = await request(t.app).get(`${path}?format=txt`).set(bearer(key)).expect(200);
    expect(txt.headers['content-type']).toMatch(/^text\/plain/);
    expect(txt.text.trim().split('\n')).toHaveLength(3);

    await request(t.app).get(`${path}?format=pdf`).set(bearer(key)).expect(400);
  });
});

describe('POST /v1/episodes/:id/listens', () => {
  it('records a listen (204) and bumps the user counter', async () => {
    const { user, key } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id);
    const second = await makeEpisode(t.db, t.storage, user.id);
    await request(t.app).post(`/v1/episodes/${episode.id}/listens`).set(bearer(key)).expect(204);
    await request(t.app).post(`/v1/episodes/${second.episode.id}/listens`).set(bearer(key)).expect(204);
    const row = await t.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.listens).toBe(2);
    expect(row.lastSeenAt).not.toBeNull();
  });
});

describe('audio on the s3 driver', () => {
  it('redirects (302) to a presigned object URL, also from a signed URL', async () => {
    const s3 = await startTestApi(testEnv(process.env, 'episodes-s3'), {
      storage: new S3StorageDriver({
        bucket: 'podfleet-media',
        endpoint: 'http://127.0.0.1:9',
        forcePathStyle: true,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-for-tests' },
      }),
    });
    try {
      const { user, key } = await s3.createUser();
      // The driver would upload over the network; the row is what the route reads.
      const job = await s3.db.job.create({ data: { userId: user.id, type: 'custom', request: {} } });
      const episode = await s3.db.episode.create({
        data: {
          jobId: job.id,
          userId: user.id,
          type: 'custom',
          title: 'T',
          description: 'D',
          audioKey: `jobs/${job.id}/episode.mp3`,
          sizeBytes: 10,
          durationSec: 1,
        },
      });
      const res = await request(s3.app).get(`/v1/episodes/${episode.id}/audio`).set(bearer(key)).expect(302);
      const location = new URL(res.headers.location as string);
      expect(location.pathname).toBe(`/podfleet-media/jobs/${job.id}/episode.mp3`);
      expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(location.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);

      const view = await request(s3.app).get(`/v1/episodes/${episode.id}`).set(bearer(key)).expect(200);
      const signed = new URL(view.body.audioUrl);
      await request(s3.app).get(`${signed.pathname}${signed.search}`).expect(302);
      await request(s3.app).head(`/v1/episodes/${episode.id}/audio`).set(bearer(key)).expect(302);
    } finally {
      await s3.close();
    }
  });
});
