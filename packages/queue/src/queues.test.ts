import {
  InvalidPayloadError,
  jobOptionsFor,
  PROGRESS_BANDS,
  parsePayload,
  QUEUE_NAMES,
  QUEUES,
  RETRY_AFTER_BACKOFF,
  STAGE_ORDER,
  STAGES,
  stageProgress,
} from './queues';

describe('queue catalog', () => {
  it('lists the four episode stages in pipeline order, the clips stage, and the support queues', () => {
    expect(STAGES).toEqual(['scrape', 'script', 'audio', 'upload']);
    expect(STAGE_ORDER).toEqual(['scrape', 'script', 'audio', 'upload', 'clips']);
    expect(QUEUE_NAMES.sort()).toEqual(
      ['audio', 'clips', 'maintenance', 'pregenerate', 'scrape', 'script', 'upload', 'webhooks'].sort(),
    );
  });

  it.each(QUEUE_NAMES)('%s has a schema and sane worker/job settings', (name) => {
    const def = QUEUES[name];
    expect(typeof def.schema.safeParse).toBe('function');
    expect(def.attempts).toBeGreaterThanOrEqual(1);
    expect(def.concurrency).toBeGreaterThanOrEqual(1);
    expect(def.stalledIntervalMs).toBeGreaterThan(0);
    // a lock shorter than the stall interval would make healthy jobs look stalled between renewals
    expect(def.lockDurationMs).toBeGreaterThanOrEqual(def.stalledIntervalMs);
    const opts = jobOptionsFor(name);
    expect(opts.attempts).toBe(def.attempts);
    expect(opts.removeOnComplete).toEqual(def.removeOnComplete);
    expect(opts.removeOnFail).toEqual(def.removeOnFail);
  });

  it('retries every stage 3 times with the Retry-After-aware exponential backoff', () => {
    for (const stage of STAGE_ORDER) {
      expect(jobOptionsFor(stage)).toMatchObject({ attempts: 3, backoff: { type: RETRY_AFTER_BACKOFF } });
    }
    expect(QUEUES.audio.lockDurationMs).toBeGreaterThan(QUEUES.scrape.lockDurationMs);
    // ffmpeg-heavy like audio: the same lock margins, one job at a time.
    expect(QUEUES.clips).toMatchObject({ concurrency: 1, lockDurationMs: QUEUES.audio.lockDurationMs });
  });

  it('accepts valid payloads of every queue', () => {
    expect(parsePayload('scrape', { jobId: 'job_1', run: 1, userId: 'u1' })).toEqual({
      jobId: 'job_1',
      run: 1,
      userId: 'u1',
    });
    expect(parsePayload('script', { jobId: 'j', run: 2, userId: 'u', partial: true }).partial).toBe(true);
    expect(
      parsePayload('webhooks', { jobId: 'j', event: 'job.completed', url: 'https://hooks.example/x' }).event,
    ).toBe('job.completed');
    expect(
      parsePayload('pregenerate', { trigger: 'api', requestedAt: '2025-01-01T03:00:00.000Z' }).trigger,
    ).toBe('api');
    expect(parsePayload('maintenance', { task: 'reconcile' }).task).toBe('reconcile');
  });

  it('rejects an invalid payload naming each bad field', () => {
    let error: unknown;
    try {
      parsePayload('audio', { jobId: 'a:b', run: 0 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidPayloadError);
    const e = error as InvalidPayloadError;
    expect(e.code).toBe('INVALID_PAYLOAD');
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^invalid audio payload: /);
    expect(e.message).toContain('jobId:');
    expect(e.message).toContain('run:');
    expect(e.message).toContain('userId:');
    expect(e.issues.map((i) => i.path.join('.')).sort()).toEqual(['jobId', 'run', 'userId']);
  });

  it('rejects webhook URLs that are not http(s) and unknown events', () => {
    expect(() =>
      parsePayload('webhooks', { jobId: 'j', event: 'job.completed', url: 'file:///etc/passwd' }),
    ).toThrow(/url/);
    expect(() =>
      parsePayload('webhooks', { jobId: 'j', event: 'job.started', url: 'https://x.example' }),
    ).toThrow(/event/);
  });

  it('has contiguous progress bands from 0 to 100 per job type and maps stage fractions into them', () => {
    let expectedStart = 0;
    for (const stage of STAGES) {
      expect(PROGRESS_BANDS[stage].start).toBe(expectedStart);
      expectedStart = PROGRESS_BANDS[stage].end;
    }
    expect(expectedStart).toBe(100);
    expect(PROGRESS_BANDS.clips).toEqual({ start: 0, end: 100 });
    expect(stageProgress('clips', 0.5)).toBe(50);
    expect(stageProgress('audio', 0)).toBe(40);
    expect(stageProgress('audio', 0.5)).toBe(60);
    expect(stageProgress('audio', 1)).toBe(80);
    expect(stageProgress('upload', 7)).toBe(100);
    expect(stageProgress('scrape', Number.NaN)).toBe(0);
  });
});
