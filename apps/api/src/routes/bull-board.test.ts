import request from 'supertest';
import { ADMIN_KEY, startTestApi, type TestApi, testEnv } from '../../test/harness';
import { hashPassword, verifyPassword } from '../services/password-hash';

const env = testEnv(process.env, 'bull-board');
// A cheap cost for tests; production hashes carry their own (N=2^15 by default).
const cost = { N: 1024, r: 8, p: 1 };
let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(env, {
    settings: {
      bullBoardUsers: [{ name: 'ops', hash: await hashPassword('operator-password', cost) }],
      bullBoardViewers: [{ name: 'watcher', hash: await hashPassword('viewer-password', cost) }],
      authFailuresPerMinute: 1000,
    },
  });
});
afterAll(() => t.close());

const basic = (name: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
});

describe('password hashes', () => {
  it('verifies the password it hashed and nothing else; each hash has its own salt', async () => {
    const hash = await hashPassword('s3cret', cost);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('s3cret', hash)).toBe(true);
    expect(await verifyPassword('s3cret!', hash)).toBe(false);
    expect(await hashPassword('s3cret', cost)).not.toBe(hash);
    expect(await verifyPassword('s3cret', 'sha1$abc')).toBe(false);
  });
});

describe('Bull Board (issue #18: its own credentials, read-only viewers)', () => {
  it('asks browsers for Basic credentials and refuses the admin API key as a password', async () => {
    const res = await request(t.app).get('/admin/queues').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="podfleet bull board"/);
    await request(t.app).get('/admin/queues').set(basic('ops', ADMIN_KEY)).expect(401);
    await request(t.app).get('/admin/queues').set(basic('anyone', ADMIN_KEY)).expect(401);
    await request(t.app).get('/admin/queues').set(basic('ops', 'viewer-password')).expect(401);
    await request(t.app)
      .get('/admin/queues')
      .set({ Authorization: `Bearer ${ADMIN_KEY}` })
      .expect(401);
  });

  it('serves operators the board over every queue, with its actions', async () => {
    const ops = basic('ops', 'operator-password');
    const page = await request(t.app).get('/admin/queues').set(ops).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await request(t.app).get('/admin/queues/api/queues').set(ops).expect(200);
    const names = api.body.queues.map((q: { name: string }) => q.name).sort();
    expect(names).toEqual([
      'audio',
      'clips',
      'maintenance',
      'pregenerate',
      'scrape',
      'script',
      'upload',
      'webhooks',
    ]);
    expect(api.body.queues.every((q: { readOnlyMode: boolean }) => !q.readOnlyMode)).toBe(true);
    await request(t.app).put('/admin/queues/api/queues/scrape/retry/failed').set(ops).expect(200);
  });

  it('lets viewers look but refuses every action (405)', async () => {
    const viewer = basic('watcher', 'viewer-password');
    const api = await request(t.app).get('/admin/queues/api/queues').set(viewer).expect(200);
    expect(api.body.queues.length).toBe(8);
    expect(api.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    await request(t.app).put('/admin/queues/api/queues/scrape/retry/failed').set(viewer).expect(405);
    await request(t.app).put('/admin/queues/api/queues/scrape/clean/completed').set(viewer).expect(405);
  });

  it('does not exist when no Bull Board user is configured (404)', async () => {
    const off = await startTestApi(testEnv(process.env, 'bull-board-off'));
    try {
      await request(off.app).get('/admin/queues').set(basic('ops', 'operator-password')).expect(404);
    } finally {
      await off.close();
    }
  });
});
