import { waitFor } from '@podfleet/test-kit';
import type { Redis } from 'ioredis';
import { REDIS_URL, testPrefix } from '../test/support';
import { createRedis } from './connection';
import { type JobEvent, jobEventChannel, publishJobEvent, subscribeJobEvents } from './events';

const event = (jobId: string, progress: number, type: JobEvent['type'] = 'progress'): JobEvent => ({
  type,
  jobId,
  status: type === 'progress' ? 'running' : type,
  phase: 'audio',
  progress,
  currentStep: `line ${progress}`,
  at: new Date().toISOString(),
});

describe('job event bus', () => {
  let pub: Redis;
  let sub: Redis;
  const prefix = testPrefix('events');

  beforeAll(() => {
    pub = createRedis(REDIS_URL, { role: 'client', name: 'test-pub' });
    sub = createRedis(REDIS_URL, { role: 'client', name: 'test-sub' });
  });
  afterAll(async () => {
    await pub.quit();
    await sub.quit();
  });

  it('uses one channel per job under the prefix', () => {
    expect(jobEventChannel('pf', 'j1')).toBe('pf:events:j1');
  });

  it('delivers a job’s events in publish order, and only that job’s', async () => {
    const got: JobEvent[] = [];
    const other: JobEvent[] = [];
    const off = await subscribeJobEvents(sub, prefix, 'job-a', (e) => got.push(e));
    const offOther = await subscribeJobEvents(sub, prefix, 'job-b', (e) => other.push(e));
    const sent = [10, 20, 30, 45, 60, 79].map((p) => event('job-a', p));
    sent.push(event('job-a', 100, 'completed'));
    for (const e of sent) expect(await publishJobEvent(pub, prefix, 'job-a', e)).toBe(1);
    await waitFor(() => got.length === sent.length, { what: 'all events' });
    expect(got).toEqual(sent);
    expect(other).toEqual([]);
    await off();
    await offOther();
  });

  it('fans out to several listeners of one job and stops after unsubscribe', async () => {
    const first: number[] = [];
    const second: number[] = [];
    const offFirst = await subscribeJobEvents(sub, prefix, 'job-c', (e) => first.push(e.progress));
    const offSecond = await subscribeJobEvents(sub, prefix, 'job-c', (e) => second.push(e.progress));
    // one Redis subscription serves both listeners
    expect(await publishJobEvent(pub, prefix, 'job-c', event('job-c', 1))).toBe(1);
    await waitFor(() => first.length === 1 && second.length === 1, { what: 'both listeners' });
    await offFirst();
    await publishJobEvent(pub, prefix, 'job-c', event('job-c', 2));
    await waitFor(() => second.length === 2, { what: 'second listener' });
    expect(first).toEqual([1]);
    await offSecond();
    // the channel is gone from Redis once its last listener left
    expect(await publishJobEvent(pub, prefix, 'job-c', event('job-c', 3))).toBe(0);
  });

  it('rejects malformed events and events published on another job’s channel', async () => {
    await expect(
      publishJobEvent(pub, prefix, 'job-d', { ...event('job-d', 5), progress: 101 }),
    ).rejects.toThrow(/progress/);
    await expect(publishJobEvent(pub, prefix, 'job-d', event('job-e', 5))).rejects.toThrow(/job-e/);
  });

  it('ignores foreign messages on a job channel without breaking the stream', async () => {
    const got: number[] = [];
    const off = await subscribeJobEvents(sub, prefix, 'job-f', (e) => got.push(e.progress));
    await pub.publish(jobEventChannel(prefix, 'job-f'), 'not json');
    await pub.publish(jobEventChannel(prefix, 'job-f'), JSON.stringify({ type: 'progress' }));
    await publishJobEvent(pub, prefix, 'job-f', event('job-f', 42));
    await waitFor(() => got.length === 1, { what: 'valid event' });
    expect(got).toEqual([42]);
    await off();
  });
});
