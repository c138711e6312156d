// Alerts to a chat webhook (ALERT_WEBHOOK_URL, a Slack-compatible `{text}` body): one message when
// a condition starts, one when it clears, whatever the number of maintenance ticks in between.
// The state of each condition lives in Redis, so the fleet sends each message once.
import type { PipelineContext } from '../context';
import { readQueueStats } from '../operations/queue-stats';

export interface AlertSettings {
  webhookUrl: string;
  /** Failed / finished jobs over the window above which the failure-rate alert fires. */
  failureRate: number;
  /** The failure-rate window, seconds. */
  windowSec: number;
  /** The oldest waiting job's age (seconds) above which the queue-age alert fires. */
  queueAgeSec: number;
  /** Today's (UTC) estimated provider cost above which the cost alert fires; unset: no such alert. */
  costUsdPerDay?: number;
}

export type AlertCondition = 'failure-rate' | 'queue-age' | 'daily-cost';

export interface AlertReading {
  condition: AlertCondition;
  firing: boolean;
  /** What the message says. */
  summary: string;
}

/** Finished jobs in the window below which no failure rate is judged (one failure of one job is no trend). */
export const MIN_FINISHED_JOBS = 5;

const DAY_MS = 86_400_000;
const stateKey = (prefix: string) => `${prefix}:alerts`;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Each condition as it stands at `now`. */
export async function readAlertConditions(
  ctx: PipelineContext,
  settings: AlertSettings,
  now: Date,
): Promise<AlertReading[]> {
  const since = new Date(now.getTime() - settings.windowSec * 1000);
  const today = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const [[finished], [cost], queues] = await Promise.all([
    ctx.db.$queryRaw<Array<{ completed: number; failed: number }>>`
      SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed,
             count(*) FILTER (WHERE status = 'failed')::int AS failed
        FROM jobs WHERE completed_at >= ${since} AND completed_at <= ${now}`,
    ctx.db.$queryRaw<Array<{ usd: number }>>`
      SELECT coalesce(sum(cost_usd), 0)::float8 AS usd FROM jobs WHERE created_at >= ${today}`,
    readQueueStats(ctx.db, ctx.queues, now.getTime()),
  ]);
  const readings: AlertReading[] = [];

  const done = (finished?.completed ?? 0) + (finished?.failed ?? 0);
  const rate = done > 0 ? (finished?.failed ?? 0) / done : 0;
  readings.push({
    condition: 'failure-rate',
    firing: done >= MIN_FINISHED_JOBS && rate > settings.failureRate,
    summary: `${round(rate * 100, 1)} % of the ${done} jobs finished in the last ${round(settings.windowSec / 60, 1)} min failed (threshold ${round(settings.failureRate * 100, 1)} %)`,
  });

  const [queue, oldest] = Object.entries(queues).reduce<[string, number]>(
    (worst, [name, q]) => (q.oldestWaitingSec > worst[1] ? [name, q.oldestWaitingSec] : worst),
    ['', 0],
  );
  readings.push({
    condition: 'queue-age',
    firing: oldest > settings.queueAgeSec,
    summary:
      oldest > 0
        ? `the oldest waiting job (queue ${queue}) has waited ${Math.round(oldest)} s (threshold ${settings.queueAgeSec} s)`
        : `no job is waiting (threshold ${settings.queueAgeSec} s)`,
  });

  if (settings.costUsdPerDay !== undefined) {
    const usd = cost?.usd ?? 0;
    readings.push({
      condition: 'daily-cost',
      firing: usd > settings.costUsdPerDay,
      summary: `today's estimated cost is $${round(usd)} (threshold $${round(settings.costUsdPerDay)})`,
    });
  }
  return readings;
}

/** Posts `{text}` to the webhook; throws on anything but a 2xx answer in time. */
async function post(url: string, text: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer(); // free the connection
  if (!res.ok) throw new Error(`the alert webhook answered ${res.status}`);
}

export interface AlertCheck {
  firing: AlertCondition[];
  /** Messages delivered this time: `fired` or `resolved` per condition. */
  sent: Array<{ condition: AlertCondition; change: 'fired' | 'resolved' }>;
}

/**
 * Reads the conditions and posts a message for each one that started or cleared since the last
 * message about it. A message that could not be delivered is tried again at the next check (its
 * state is only recorded once delivered).
 */
export async function checkAlerts(
  ctx: PipelineContext,
  settings: AlertSettings,
  now = new Date(),
): Promise<AlertCheck> {
  const readings = await readAlertConditions(ctx, settings, now);
  const state = await ctx.redis.hgetall(stateKey(ctx.prefix));
  const result: AlertCheck = { firing: readings.filter((r) => r.firing).map((r) => r.condition), sent: [] };
  for (const { condition, firing, summary } of readings) {
    if (firing === (state[condition] === 'firing')) continue;
    const text = firing
      ? `:rotating_light: podfleet alert: ${summary}`
      : `:white_check_mark: podfleet resolved: ${summary}`;
    try {
      await post(settings.webhookUrl, text);
    } catch (err) {
      ctx.logger.warn({ err, condition }, 'could not deliver an alert; trying again at the next check');
      continue;
    }
    if (firing) await ctx.redis.hset(stateKey(ctx.prefix), condition, 'firing');
    else await ctx.redis.hdel(stateKey(ctx.prefix), condition);
    result.sent.push({ condition, change: firing ? 'fired' : 'resolved' });
    ctx.logger.info({ condition, firing, summary }, firing ? 'alert fired' : 'alert resolved');
  }
  return result;
}
