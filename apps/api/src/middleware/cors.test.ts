import express from 'express';
import request from 'supertest';
import { cors } from './cors';

function appWith(origins: readonly string[]) {
  const app = express();
  app.use(cors(origins));
  app.get('/thing', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

const ALLOWED = 'https://app.example.test';

describe('cors', () => {
  it('varies every response on Origin, so a cached answer to one origin is never reused for another', async () => {
    const app = appWith([ALLOWED]);
    const without = await request(app).get('/thing').expect(200);
    expect(without.headers.vary).toMatch(/\bOrigin\b/);
    expect(without.headers['access-control-allow-origin']).toBeUndefined();
    const other = await request(app).get('/thing').set('Origin', 'https://evil.example.test').expect(200);
    expect(other.headers.vary).toMatch(/\bOrigin\b/);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await request(app).get('/thing').set('Origin', ALLOWED).expect(200);
    expect(allowed.headers.vary).toMatch(/\bOrigin\b/);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(allowed.headers['access-control-expose-headers']).toContain('Content-Range');
  });

  it('answers a preflight from an allowed origin with the methods, headers and max age', async () => {
    const res = await request(appWith([ALLOWED]))
      .options('/thing')
      .set('Origin', ALLOWED)
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-methods']).toContain('PATCH');
    expect(res.headers['access-control-allow-headers']).toContain('Idempotency-Key');
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('allows any origin with *, and sends no CORS headers when no origin is configured', async () => {
    const any = await request(appWith(['*']))
      .get('/thing')
      .set('Origin', 'https://anywhere.test')
      .expect(200);
    expect(any.headers['access-control-allow-origin']).toBe('*');
    const none = await request(appWith([])).get('/thing').set('Origin', ALLOWED).expect(200);
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
    expect(none.headers.vary).toBeUndefined();
  });
});
