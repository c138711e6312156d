import { createJobWithStages, type Job } from '@podfleet/db';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';
import { createTestContext, type TestContext } from '../../test/maintenance';
import { type AlertSettings, checkAlerts } from './alerts';
import { workerMaintenance } from './schedule';

const MINUTE = 60_000;

describe('alerts to a Slack-compatible webhook (a local receiver)', () => {
  let t: TestContext;
  let receiver: FakeServer;
  /** Answers the receiver gives, in order; 204 once they run out. */
  const answers: number[] = [];
  let userId: string;
  let settings: AlertSettings;

  beforeAll(async () => {
    t = await createTestContext();
    await t.db.user.deleteMany(); // the conditions read every job of the database
    receiver = await startHttpServer((_req, res) => {
      res.writeHead(answers.shift() ?? 204).end();
    });
    settings = {
      webhookUrl: `${receiver.url}/services/T0/B0/x`,
      failureRate: 0.2,
      windowSec: 900,
      queueAgeSec: 600,
      costUsdPerDay: 1,
    };
    userId = (await t.db.user.create({ data: { email: 'alerts@example.test' } })).id;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  const messages = () =>
    receiver.requests.map((r) => (JSON.parse(r.body.toString('utf8')) as { text: string }).text);
  const jobs = async (
    count: number,
    status: Job['status'],
    data: { enqueuedAt?: Date; completedAt?: Date | null; costUsd?: number } = {},
  ) => {
    for (let i = 0; i < count; i++) {
      const job = await createJobWithStages(t.db, { userId, type: 'custom', request: {} });
      await t.db.job.update({
        where: { id: job.id },
        data: { status, completedAt: new Date(Date.now() - MINUTE), ...data },
      });
    }
  };

  it('failure rate: one message when it passes the threshold, none while it stays, one when it clears', async () => {
    await jobs(3, 'failed');
    // Three of three failed, but fewer than five jobs finished: no trend yet.
    expect(await checkAlerts(t.ctx, settings)).toEqual({ firing: [], sent: [] });

    await jobs(3, 'completed'); // 3 of 6
    expect(await checkAlerts(t.ctx, settings)).toEqual({
      firing: ['failure-rate'],
      sent: [{ condition: 'failure-rate', change: 'fired' }],
    });
    expect(await checkAlerts(t.ctx, settings)).toEqual({ firing: ['failure-rate'], sent: [] });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', url: '/services/T0/B0/x' });
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/json');
    expect(messages()[0]).toBe(
      ':rotating_light: podfleet alert: 50 % of the 6 jobs finished in the last 15 min failed (threshold 20 %)',
    );

    await jobs(9, 'completed'); // 3 of 15: at the threshold, not past it
    expect(await checkAlerts(t.ctx, settings)).toEqual({
      firing: [],
      sent: [{ condition: 'failure-rate', change: 'resolved' }],
    });
    expect(await checkAlerts(t.ctx, settings)).toEqual({ firing: [], sent: [] });
    expect(messages()).toHaveLength(2);
    expect(messages()[1]).toMatch(/^:white_check_mark: podfleet resolved: 20 % of the 15 jobs/);
  });

  it('queue age and daily cost; a message the receiver refused is sent again at the next check', async () => {
    receiver.requests.length = 0;
    // Enqueued 20 minutes ago and no stage started: waiting for scrape. And $1.50 spent today.
    await jobs(1, 'queued', { enqueuedAt: new Date(Date.now() - 20 * MINUTE), completedAt: null });
    await jobs(1, 'completed', { costUsd: 1.5 });
    answers.push(500);

    const first = await checkAlerts(t.ctx, settings);
    expect(first.firing.sort()).toEqual(['daily-cost', 'queue-age']);
    expect(first.sent).toHaveLength(1); // the other one was refused
    const second = await checkAlerts(t.ctx, settings);
    expect([...first.sent, ...second.sent].map((s) => s.condition).sort()).toEqual([
      'daily-cost',
      'queue-age',
    ]);
    expect(await checkAlerts(t.ctx, settings)).toMatchObject({ sent: [] });
    expect(receiver.requests).toHaveLength(3);
    expect(messages().slice(1).sort()).toEqual([
      expect.stringMatching(
        /^:rotating_light: podfleet alert: the oldest waiting job \(queue scrape\) has waited 1[23]\d\d s \(threshold 600 s\)$/,
      ),
      ":rotating_light: podfleet alert: today's estimated cost is $1.5 (threshold $1)",
    ]);

    // Both clear: the job starts, the cost turns out lower.
    await t.db.job.updateMany({ where: { userId, status: 'queued' }, data: { status: 'cancelled' } });
    await t.db.job.updateMany({ where: { userId, costUsd: 1.5 }, data: { costUsd: 0.5 } });
    const cleared = await checkAlerts(t.ctx, settings);
    expect(cleared.sent.map((s) => [s.condition, s.change]).sort()).toEqual([
      ['daily-cost', 'resolved'],
      ['queue-age', 'resolved'],
    ]);
  });

  it('is the maintenance alerts task of a worker given ALERT_* settings, and nothing without them', async () => {
    const run = (options: Parameters<typeof workerMaintenance>[1]) =>
      (workerMaintenance(t.ctx, options).processor as unknown as (p: { task: 'alerts' }) => Promise<unknown>)(
        {
          task: 'alerts',
        },
      );
    expect(await run({})).toEqual({ skipped: true });
    expect(await run({ alerts: settings })).toEqual({ firing: [], sent: [] });
  });
});
