import { createLogger } from './logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the app name, level label and ISO time', () => {
    const { lines, destination } = capture();
    createLogger({ app: 'audio', level: 'info', destination }).info({ jobId: 'j1' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ app: 'audio', level: 'info', jobId: 'j1', msg: 'hello' });
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ app: 'api', level: 'warn', destination });
    logger.info('dropped');
    logger.warn('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });

  it('redacts secrets at the top level, one level down and in headers', () => {
    const { lines, destination } = capture();
    createLogger({ app: 'api', level: 'info', destination }).info(
      {
        apiKey: 'k-top',
        token: 't-top',
        config: { apiKey: 'k1', password: 'p1', secret: 's1', 'xi-api-key': 'xi1', keep: 'visible' },
        req: { method: 'GET', headers: { authorization: 'Bearer pf_abc', 'x-api-key': 'x1', host: 'h' } },
        request: { headers: { 'xi-api-key': 'xi2' } },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['k-top', 't-top', 'k1', 'p1', 's1', 'xi1', 'pf_abc', 'x1', 'xi2']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      apiKey: '[redacted]',
      config: { keep: 'visible', 'xi-api-key': '[redacted]' },
      req: { method: 'GET', headers: { authorization: '[redacted]', host: 'h' } },
    });
  });

  it('redacts secrets at any depth, in URLs and in errors, keeping what is not secret (issue #18)', () => {
    const { lines, destination } = capture();
    const err = Object.assign(
      new Error('GET https://api.example/v3/bill?api_key=AK-123&format=json failed'),
      {
        config: { headers: { 'X-Api-Key': 'AK-456' } },
      },
    );
    createLogger({ app: 'scraper', level: 'info', destination }).warn(
      {
        job: { webhook: { url: 'https://hooks.example/h?token=TK-1&x=1', webhookSecret: 'WS-1' } },
        deep: { a: { b: { c: { request: { headers: { Authorization: 'Bearer pf_deep' } } } } } },
        list: [{ feedToken: 'FT-1' }, 'https://u:PW-1@db.example/x'],
        usage: { inputTokens: 1200, outputTokens: 300 },
        error: err,
        err,
      },
      'provider call failed',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['AK-123', 'AK-456', 'TK-1', 'WS-1', 'pf_deep', 'FT-1', 'PW-1']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      job: { webhook: { url: 'https://hooks.example/h?token=[redacted]&x=1' } },
      usage: { inputTokens: 1200, outputTokens: 300 },
      err: { type: 'Error', message: expect.stringContaining('format=json failed') },
    });
    expect((lines[0] as { err: { stack: string } }).err.stack).toContain('logger.test');
  });
});
