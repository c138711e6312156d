import { Writable } from 'node:stream';
import { createLogger } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import { createTestContext, createUser, type TestContext } from '../test/context';
import { DeliveryLog } from './delivery-log';

/** A logger whose lines are kept, parsed. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger({ app: 'test', level: 'info', destination }), lines };
}

describe('DeliveryLog', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs one podcast_delivery line per request at once and writes the rows in batches', async () => {
    const user = await createUser(t.db);
    const { logger, lines } = capturedLogger();
    const log = new DeliveryLog(t.db, logger, { maxBatch: 2, flushEveryMs: 60_000 });
    const requestedAt = new Date('2026-11-26T07:00:00Z');
    const rows = () =>
      t.db.episodeRequest.findMany({ where: { userId: user.id }, orderBy: { answerMs: 'asc' } });

    log.record({ userId: user.id, kind: 'daily', source: 'cache', requestedAt, answerMs: 1.6 }, logger);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'podcast_delivery',
        event: 'podcast_delivery',
        userId: user.id,
        kind: 'daily',
        source: 'cache',
        latencyMs: 1.6,
      }),
    ]);
    expect(await rows()).toEqual([]); // waits for its batch

    log.record({ userId: user.id, kind: 'custom', source: 'generated', requestedAt, answerMs: 12 }, logger);
    await waitFor(async () => (await rows()).length === 2, { what: 'the full batch to be written' });
    log.record({ userId: user.id, kind: 'daily', source: 'joined', requestedAt, answerMs: 30 }, logger);
    await log.flush();
    expect((await rows()).map((r) => [r.type, r.source, r.answerMs])).toEqual([
      ['daily', 'cache', 2],
      ['custom', 'generated', 12],
      ['daily', 'joined', 30],
    ]);
    expect(lines.map((l) => l.source)).toEqual(['cache', 'generated', 'joined']);
  });

  it('writes a lone row after flushEveryMs, and reports a batch it could not write without throwing', async () => {
    const user = await createUser(t.db);
    const { logger, lines } = capturedLogger();
    const log = new DeliveryLog(t.db, logger, { flushEveryMs: 10 });
    const requestedAt = new Date();
    log.record({ userId: user.id, kind: 'daily', source: 'cache', requestedAt, answerMs: 1 }, logger);
    await waitFor(async () => (await t.db.episodeRequest.count({ where: { userId: user.id } })) === 1, {
      what: 'the timed flush',
    });

    log.record({ userId: 'no-such-user', kind: 'daily', source: 'cache', requestedAt, answerMs: 1 }, logger);
    await log.flush();
    expect(lines.at(-1)).toMatchObject({
      level: 'warn',
      rows: 1,
      msg: 'could not record episode deliveries',
    });
  });
});
