import { mediaUrlSigningKey, userWebhookSecret, webhookSigningKey } from './keys';
import { signPayload, verifySignature } from './signature';
import { UrlSigner } from './signed-urls';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"event":"job.completed"}';
  const t = 1_760_000_000;
  const now = t * 1000;

  it('signs "t.body" with HMAC-SHA256 in the documented header format', () => {
    const header = signPayload(secret, body, t);
    expect(header).toMatch(/^t=1760000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, header, { now })).toBe(true);
  });

  it('refuses a changed body, another secret, a stale timestamp or a malformed header', () => {
    const header = signPayload(secret, body, t);
    expect(verifySignature(secret, `${body} `, header, { now })).toBe(false);
    expect(verifySignature('whsec_other', body, header, { now })).toBe(false);
    expect(verifySignature(secret, body, header, { now: now + 301_000 })).toBe(false);
    expect(verifySignature(secret, body, header.replace(/t=\d+/, `t=${t + 1}`), { now })).toBe(false);
    expect(verifySignature(secret, body, 'v1=abc', { now })).toBe(false);
    expect(verifySignature(secret, body, undefined, { now })).toBe(false);
  });

  it('accepts any one of several v1 signatures (secret rotation)', () => {
    const header = `${signPayload('whsec_old', body, t)},v1=${signPayload(secret, body, t).split('v1=')[1]}`;
    expect(verifySignature(secret, body, header, { now })).toBe(true);
  });

  it('derives a different webhook secret per user and per WEBHOOK_SECRET', () => {
    const key = webhookSigningKey('webhook-secret-0123456789abcdefghijkl');
    expect(userWebhookSecret(key, 'u1')).toMatch(/^whsec_/);
    expect(userWebhookSecret(key, 'u1')).toBe(userWebhookSecret(key, 'u1'));
    expect(userWebhookSecret(key, 'u1')).not.toBe(userWebhookSecret(key, 'u2'));
    expect(userWebhookSecret(webhookSigningKey('another-webhook-secret-0123456789ab'), 'u1')).not.toBe(
      userWebhookSecret(key, 'u1'),
    );
  });

  it('derives unrelated keys from one secret mistakenly used for both purposes', () => {
    const reused = 'one-secret-for-both-0123456789abcdef';
    expect(mediaUrlSigningKey(reused).equals(webhookSigningKey(reused))).toBe(false);
  });
});

describe('UrlSigner', () => {
  const signer = new UrlSigner(mediaUrlSigningKey('media-url-secret-0123456789abcdefgh'), 3600, 60);
  const now = 1_760_000_000_000;

  it('verifies its own URLs until they expire', () => {
    const { exp, sig } = signer.sign('/v1/episodes/e1/audio', now);
    expect(exp).toBeGreaterThanOrEqual(now / 1000 + 3600);
    expect(exp % 60).toBe(0);
    expect(signer.verify('/v1/episodes/e1/audio', String(exp), sig, now)).toBe('valid');
    expect(signer.verify('/v1/episodes/e1/audio', String(exp), sig, exp * 1000 + 1)).toBe('expired');
  });

  it('refuses another path, a changed expiry or a forged signature', () => {
    const { exp, sig } = signer.sign('/v1/episodes/e1/audio', now);
    expect(signer.verify('/v1/episodes/e2/audio', String(exp), sig, now)).toBe('invalid');
    expect(signer.verify('/v1/episodes/e1/audio', String(exp + 60), sig, now)).toBe('invalid');
    const forged = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect(signer.verify('/v1/episodes/e1/audio', String(exp), forged, now)).toBe('invalid');
    expect(signer.verify('/v1/episodes/e1/audio', undefined, sig, now)).toBe('invalid');
    expect(signer.verify('/v1/episodes/e1/audio', '12x', sig, now)).toBe('invalid');
  });

  it("refuses a URL signed under an owner's earlier media URL version (feed token rotated)", () => {
    const v1 = signer.sign('/v1/episodes/e1/audio', now);
    const v2 = signer.sign('/v1/episodes/e1/audio', now, 2);
    expect(v2.sig).not.toBe(v1.sig);
    expect(signer.verify('/v1/episodes/e1/audio', String(v2.exp), v2.sig, now, 2)).toBe('valid');
    expect(signer.verify('/v1/episodes/e1/audio', String(v1.exp), v1.sig, now, 2)).toBe('invalid');
    expect(signer.verify('/v1/episodes/e1/audio', String(v2.exp), v2.sig, now, 3)).toBe('invalid');
    // Version 1 signs as URLs did before versions: links handed out before the upgrade still work.
    expect(signer.verify('/v1/episodes/e1/audio', String(v1.exp), v1.sig, now)).toBe('valid');
  });
});
