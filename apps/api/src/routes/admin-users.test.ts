// The operator's view of users and their keys: list and find users, see a user's key prefixes,
// revoke a key (issue #15: the web app's Users page).
import request from 'supertest';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'admin-users'));
});
afterAll(() => t.close());

const admin = bearer(ADMIN_KEY);
const stamp = Date.now();

describe('GET /v1/users', () => {
  it('lists users newest first, a page at a time, and finds them by part of the e-mail in any case', async () => {
    const made = [];
    for (const name of ['ada', 'bo', 'cy'])
      made.push(await t.createUser({ email: `${name}.${stamp}@find.test` }));
    const found = await request(t.app).get(`/v1/users?q=${stamp}@FIND&limit=2`).set(admin).expect(200);
    expect(found.body.items.map((u: { email: string }) => u.email)).toEqual([
      `cy.${stamp}@find.test`,
      `bo.${stamp}@find.test`,
    ]);
    expect(found.body.nextCursor).toEqual(expect.any(String));
    const rest = await request(t.app)
      .get(`/v1/users?q=${stamp}@find&limit=2&cursor=${found.body.nextCursor}`)
      .set(admin)
      .expect(200);
    expect(rest.body).toEqual({
      items: [expect.objectContaining({ id: made[0]?.user.id })],
      nextCursor: null,
    });
    const one = await request(t.app).get(`/v1/users?q=bo.${stamp}`).set(admin).expect(200);
    expect(one.body.items).toHaveLength(1);
  });

  it('is for the admin key only, and refuses a bad limit', async () => {
    const { key } = await t.createUser();
    await request(t.app).get('/v1/users').set(bearer(key)).expect(403);
    await request(t.app).get('/v1/users').expect(401);
    await request(t.app).get('/v1/users?limit=0').set(admin).expect(400);
  });
});

describe("a user's keys", () => {
  it('shows their prefixes, never the keys; a revoked key stops working at once', async () => {
    const { user, key } = await t.createUser();
    const second = await request(t.app).post('/v1/keys').set(bearer(key)).send({ name: 'phone' }).expect(201);
    const listed = await request(t.app).get(`/v1/users/${user.id}/keys`).set(admin).expect(200);
    expect(listed.body.items).toHaveLength(2);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(JSON.stringify(listed.body)).not.toContain(second.body.apiKey);
    const phone = listed.body.items.find((k: { name: string | null }) => k.name === 'phone');
    expect(second.body.apiKey.startsWith(phone.prefix)).toBe(true);

    await request(t.app).get('/v1/me').set(bearer(second.body.apiKey)).expect(200); // cached as valid
    await request(t.app).delete(`/v1/users/${user.id}/keys/${phone.id}`).set(admin).expect(204);
    await request(t.app).get('/v1/me').set(bearer(second.body.apiKey)).expect(401);
    await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    const after = await request(t.app).get(`/v1/users/${user.id}/keys`).set(admin).expect(200);
    expect(after.body.items.map((k: { id: string }) => k.id)).not.toContain(phone.id);
  });

  it("is 404 for an unknown user, or a key that is not that user's", async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    await request(t.app).get('/v1/users/nobody/keys').set(admin).expect(404);
    const bKeys = await request(t.app).get(`/v1/users/${b.user.id}/keys`).set(admin).expect(200);
    const bKey = bKeys.body.items[0].id;
    await request(t.app).delete(`/v1/users/${a.user.id}/keys/${bKey}`).set(admin).expect(404);
    await request(t.app).get('/v1/me').set(bearer(b.key)).expect(200);
    await request(t.app).delete(`/v1/users/${b.user.id}/keys/${bKey}`).set(bearer(a.key)).expect(403);
  });
});
