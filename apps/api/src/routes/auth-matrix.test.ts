// The auth matrix and the body answers of every route, driven by the OpenAPI document: a route
// added there is checked here without a new test, and a route whose guard disagrees with what the
// document promises fails.
import request from 'supertest';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';
import { openApiDocument } from '../openapi';
import { hashPassword } from '../services/password-hash';

const env = testEnv(process.env, 'auth-matrix');
let t: TestApi;
let userKey: string;
beforeAll(async () => {
  // Bull Board on (its own users), so its route is checked like every other.
  const hash = await hashPassword('board-password', { N: 1024, r: 8, p: 1 });
  t = await startTestApi(env, { settings: { bullBoardUsers: [{ name: 'ops', hash }] } });
  userKey = (await t.createUser()).key;
});
afterAll(() => t.close());

type Method = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete';
interface Operation {
  name: string;
  method: Method;
  path: string;
  /** Security scheme names accepted; '' stands for "no credentials" (signed URLs). */
  schemes: string[];
  /** A JSON body (an image upload takes its bytes instead: its own tests check it). */
  hasBody: boolean;
}

/** Path parameters of resources that do not exist: guards answer before any lookup. */
const concretePath = (path: string) =>
  path.replace('{id}', '01a21000-0000-7000-8000-000000000000').replace('{token}', 'no-such-token');

const operations: Operation[] = Object.entries(openApiDocument('http://localhost').paths ?? {}).flatMap(
  ([path, item]) =>
    Object.entries(
      item as Record<
        string,
        { security?: Array<Record<string, unknown>>; requestBody?: { content?: Record<string, unknown> } }
      >,
    ).map(([method, op]) => ({
      name: `${method.toUpperCase()} ${path}`,
      method: method as Method,
      path: concretePath(path),
      schemes: (op.security ?? []).map((requirement) => Object.keys(requirement)[0] ?? ''),
      hasBody: op.requestBody?.content?.['application/json'] !== undefined,
    })),
);

const call = (op: Operation, headers: Record<string, string> = {}) => {
  const req = request(t.app)[op.method](op.path).set(headers);
  return op.hasBody ? req.send({}) : req;
};
const guarded = operations.filter((op) => op.schemes.length > 0 && !op.schemes.includes(''));
const userOnly = operations.filter((op) => op.schemes.length === 1 && op.schemes[0] === 'apiKey');
const adminOnly = operations.filter(
  (op) => op.schemes.length > 0 && op.schemes.every((s) => s === 'adminKey'),
);
const forUsers = operations.filter((op) => op.schemes.includes('apiKey'));
const forAdmin = operations.filter((op) => op.schemes.includes('adminKey'));
const boardOnly = operations.filter(
  (op) => op.schemes.length > 0 && op.schemes.every((s) => s === 'bullBoard'),
);
const withBody = operations.filter((op) => op.hasBody);

it('the document describes the routes this matrix relies on', () => {
  expect(operations.length).toBeGreaterThan(25);
  expect(guarded.length).toBeGreaterThan(20);
  expect(userOnly.map((op) => op.name)).toContain('POST /v1/episodes');
  expect(adminOnly.map((op) => op.name)).toEqual(expect.arrayContaining(['POST /v1/users', 'GET /v1/stats']));
  expect(boardOnly.map((op) => op.name)).toEqual(['GET /admin/queues']);
  expect(withBody.map((op) => op.name).sort()).toEqual([
    'PATCH /v1/me',
    'PATCH /v1/me/podcast',
    'PATCH /v1/users/{id}',
    'POST /v1/episodes',
    'POST /v1/episodes/{id}/clips',
    'POST /v1/episodes/{id}/rerender',
    'POST /v1/feedback',
    'POST /v1/keys',
    'POST /v1/users',
    'PUT /v1/episodes/{id}/script',
  ]);
});

describe.each(guarded.map((op) => [op.name, op] as const))('%s', (_name, op) => {
  it('is 401 without credentials and with an unknown key', async () => {
    await call(op).expect(401);
    await call(op, bearer('pf_not-a-key-of-anyone-at-all-000')).expect(401);
  });
});

it.each(userOnly.map((op) => [op.name, op] as const))('%s is 403 for the admin key', async (_name, op) => {
  const res = await call(op, bearer(ADMIN_KEY)).expect(403);
  expect(res.body.type).toBe('urn:podfleet:problem:forbidden');
});

it.each(adminOnly.map((op) => [op.name, op] as const))('%s is 403 for a user key', async (_name, op) => {
  const res = await call(op, bearer(userKey)).expect(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
});

it.each(forUsers.map((op) => [op.name, op] as const))('%s lets a user key through', async (_name, op) => {
  const res = await call(op, bearer(userKey));
  expect([401, 403]).not.toContain(res.status);
});

it.each(forAdmin.map((op) => [op.name, op] as const))('%s lets the admin key through', async (_name, op) => {
  const res = await call(op, bearer(ADMIN_KEY));
  expect([401, 403]).not.toContain(res.status);
});

it.each(boardOnly.map((op) => [op.name, op] as const))(
  '%s is 401 for the admin key and a user key, as Bearer or as a Basic password',
  async (_name, op) => {
    const basic = (password: string) => ({
      Authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`,
    });
    for (const headers of [bearer(ADMIN_KEY), bearer(userKey), basic(ADMIN_KEY), basic(userKey)]) {
      await call(op, headers).expect(401);
    }
    await call(op, basic('board-password')).expect(200);
  },
);

describe.each(withBody.map((op) => [op.name, op] as const))('%s body', (_name, op) => {
  const auth = () => (op.schemes.includes('apiKey') ? bearer(userKey) : bearer(ADMIN_KEY));

  it('is 400 for malformed JSON, 415 for a body that is not JSON, 413 above 1 MB', async () => {
    const malformed = await request(t.app)
      [op.method](op.path)
      .set(auth())
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(malformed.body.type).toBe('urn:podfleet:problem:malformed-json');
    await request(t.app)
      [op.method](op.path)
      .set(auth())
      .set('Content-Type', 'text/plain')
      .send('hi')
      .expect(415);
    await request(t.app)
      [op.method](op.path)
      .set(auth())
      .set('Content-Type', 'application/json')
      .send(`"${'x'.repeat(1024 * 1024)}"`)
      .expect(413);
  });

  it('is 422 naming a field the schema does not know', async () => {
    const res = await request(t.app)[op.method](op.path).set(auth()).send({ notAField: 1 }).expect(422);
    expect(JSON.stringify(res.body.errors)).toContain('notAField');
  });
});
