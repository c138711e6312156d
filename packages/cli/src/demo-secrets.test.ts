import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@podfleet/test-kit';
import { demoSigningSecrets } from './demo-secrets';

describe('demoSigningSecrets', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir('pf-demo-secrets-');
  });
  afterEach(() => temp.remove());

  it('generates each missing secret once, readable only by its owner, and keeps it for the next run', () => {
    const file = join(temp.dir, 'data', 'demo-secrets.env');
    const first = demoSigningSecrets({}, file);
    expect(first.MEDIA_URL_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(first.WEBHOOK_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(first.WEBHOOK_SECRET).not.toBe(first.MEDIA_URL_SECRET);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(demoSigningSecrets({}, file)).toEqual(first);
  });

  it("takes the environment's values over kept ones, and writes only what it generated", () => {
    const file = join(temp.dir, 'demo-secrets.env');
    const given = 'from-the-environment-0123456789abcdef';
    const secrets = demoSigningSecrets({ MEDIA_URL_SECRET: given }, file);
    expect(secrets.MEDIA_URL_SECRET).toBe(given);
    expect(readFileSync(file, 'utf8')).toBe(`WEBHOOK_SECRET=${secrets.WEBHOOK_SECRET}\n`);
    // A later run without it in the environment generates its own and keeps the webhook secret.
    const later = demoSigningSecrets({}, file);
    expect(later.WEBHOOK_SECRET).toBe(secrets.WEBHOOK_SECRET);
    expect(later.MEDIA_URL_SECRET).toMatch(/^[0-9a-f]{64}$/);
  });
});
