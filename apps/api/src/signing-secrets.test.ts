// Each signature has its own secret: MEDIA_URL_SECRET for audio URLs, WEBHOOK_SECRET for webhook
// secrets. The admin key is neither, so changing it leaves both alone.
import { join } from 'node:path';
import { FsStorageDriver } from '@podfleet/providers';
import { makeTempDir } from '@podfleet/test-kit';
import { userWebhookSecret, webhookSigningKey } from '@podfleet/webhooks';
import request from 'supertest';
import { makeEpisode } from '../test/fixtures';
import {
  bearer,
  startTestApi,
  type TestApi,
  type TestApiOptions,
  testEnv,
  WEBHOOK_SECRET,
} from '../test/harness';

const env = testEnv(process.env, 'secrets');

let temp: Awaited<ReturnType<typeof makeTempDir>>;
/** The test fleet's secrets. */
let fleet: TestApi;
/** The same signing secrets under another ADMIN_API_KEY. */
let newAdminKey: TestApi;
/** The same admin key, both signing secrets rotated. */
let rotated: TestApi;

beforeAll(async () => {
  temp = await makeTempDir('podfleet-api-secrets-');
  // One store for all three, so an episode made once can be played through each.
  const storage = new FsStorageDriver({ dir: join(temp.dir, 'media') });
  const start = (settings: TestApiOptions['settings'] = {}) => startTestApi(env, { settings, storage });
  [fleet, newAdminKey, rotated] = await Promise.all([
    start(),
    start({ adminApiKey: 'another-admin-key-0123456789' }),
    start({
      mediaUrlSecret: 'rotated-media-url-secret-0123456789abc',
      webhookSecret: 'rotated-webhook-secret-0123456789abcdef',
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([fleet, newAdminKey, rotated].map((api) => api?.close()));
  await temp?.remove();
});

/** The signed audio URL `api` hands out for the episode, as a path with its query. */
async function signedAudioPath(api: TestApi, key: string, episodeId: string): Promise<string> {
  const view = await request(api.app).get(`/v1/episodes/${episodeId}`).set(bearer(key)).expect(200);
  const url = new URL(view.body.audioUrl);
  return `${url.pathname}${url.search}`;
}

describe('signing secrets', () => {
  it('a signed audio URL plays wherever MEDIA_URL_SECRET is the same, whatever ADMIN_API_KEY is; 403 under another', async () => {
    const { user, key } = await fleet.createUser();
    const { episode } = await makeEpisode(fleet.db, fleet.storage, user.id);
    const signed = await signedAudioPath(fleet, key, episode.id);

    await request(newAdminKey.app).get(signed).set('Range', 'bytes=0-9').expect(206);
    const refused = await request(rotated.app).get(signed).set('Range', 'bytes=0-9').expect(403);
    expect(refused.body.type).toBe('urn:podfleet:problem:signature-invalid');
    // The rotated API's own URLs play: it refused the signature, not the episode.
    const own = await signedAudioPath(rotated, key, episode.id);
    expect(own).not.toBe(signed);
    await request(rotated.app).get(own).set('Range', 'bytes=0-9').expect(206);
  });

  it('GET /v1/me shows the webhook secret the uploader signs with: ADMIN_API_KEY leaves it, a new WEBHOOK_SECRET changes it', async () => {
    const { user, key } = await fleet.createUser();
    const shownBy = async (api: TestApi) =>
      (await request(api.app).get('/v1/me').set(bearer(key)).expect(200)).body.webhookSecret as string;

    const secret = await shownBy(fleet);
    // What the uploader signs deliveries with, from the same WEBHOOK_SECRET.
    expect(secret).toBe(userWebhookSecret(webhookSigningKey(WEBHOOK_SECRET), user.id));
    expect(await shownBy(newAdminKey)).toBe(secret);
    const afterRotation = await shownBy(rotated);
    expect(afterRotation).toMatch(/^whsec_/);
    expect(afterRotation).not.toBe(secret);
  });
});
