// One episode through the API and the real stages (espeak + ffmpeg) with tracing on: a local
// OTLP/HTTP receiver stands in for the collector. The episode is one trace from the request to
// the webhook, the job's log lines carry its trace id, and the workers' /metrics count the run.
import { Writable } from 'node:stream';
import { createStorageDriver, type StorageDriver } from '@podfleet/providers';
import { createLogger } from '@podfleet/queue';
import { startTracing, type Tracing } from '@podfleet/telemetry';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '@podfleet/telemetry/testing';
import { type FakeServer, makeTempDir, startHttpServer, waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { startTestFleet, type TestFleet } from '../test/fleet';
import { bearer, startTestApi, type TestApi, testEnv } from '../test/harness';

type LogLine = Record<string, unknown>;

function logSink(lines: LogLine[]) {
  return new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
}

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

describe('observability: one episode, API to webhook', () => {
  const env = testEnv(process.env, 'observability');
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let temp: { dir: string; remove(): Promise<void> };
  let storage: StorageDriver;
  let t: TestApi;
  let fleet: TestFleet;
  let webhooks: FakeServer;
  const apiLines: LogLine[] = [];
  const workerLines: LogLine[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tracing = startTracing({ serviceName: 'observability-test', endpoint: receiver.endpoint });
    temp = await makeTempDir('podfleet-observability-');
    storage = createStorageDriver({ driver: 'fs', dir: `${temp.dir}/media` });
    t = await startTestApi(env, { storage, logDestination: logSink(apiLines) });
    fleet = await startTestFleet(
      env,
      t.api.pipeline,
      { kind: 'real', cacheDir: `${temp.dir}/tts-cache` },
      {
        logger: createLogger({ app: 'fleet', level: 'info', destination: logSink(workerLines) }),
        health: { port: 0, maxEventLoopLagMs: 60_000 },
      },
    );
    webhooks = await startHttpServer((_req, res) => {
      res.writeHead(204).end();
    });
  });

  afterAll(async () => {
    await fleet?.close();
    await t?.close();
    await webhooks?.close();
    await tracing?.shutdown();
    await receiver?.close();
    await temp?.remove();
  });

  it('is one trace holding the request, the four stages, their provider calls and the webhook', async () => {
    const { key } = await t.createUser({ webhookUrl: `${webhooks.url}/hook` });
    const submitted = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({
        type: 'custom',
        sources: [{ kind: 'text', title: 'Canal', text: 'The Erie Canal opened in 1825. It ran 363 miles.' }],
        style: { targetMinutes: 0.5 },
      })
      .expect(202);
    const jobId: string = submitted.body.jobId;
    await waitFor(
      async () => (await t.db.job.findUniqueOrThrow({ where: { id: jobId } })).status === 'completed',
      { what: 'the episode', timeoutMs: 120_000, intervalMs: 100 },
    );
    await waitFor(() => webhooks.requests.length === 1, { what: 'the webhook delivery' });

    const has = (spans: ReceivedSpan[], name: string) => spans.some((s) => s.name === name);
    const spans = await waitFor(
      async () => {
        await tracing.flush();
        const all = receiver.spans();
        // The webhook job's span ends last (after its delivery is recorded).
        return has(all, 'process webhooks') && has(all, 'POST /v1/episodes') ? all : undefined;
      },
      { what: 'the spans of the episode and of its webhook' },
    );
    const request_ = spans.find((s) => s.name === 'POST /v1/episodes')!;
    expect(request_).toMatchObject({
      kind: SPAN_KIND.server,
      parentSpanId: '',
      attributes: { 'http.route': '/v1/episodes', 'http.response.status_code': 202 },
    });
    const trace = spans.filter((s) => s.traceId === request_.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const parentOf = (s: ReceivedSpan) => byId.get(s.parentSpanId);
    // Every span the job made is in this one trace, and every one hangs from a span in it.
    const ofJob = spans.filter((s) => s.attributes['podfleet.job.id'] === jobId);
    expect(new Set(ofJob.map((s) => s.traceId))).toEqual(new Set([request_.traceId]));
    for (const span of trace.filter((s) => s !== request_))
      expect({ span: span.name, parent: parentOf(span)?.name }).toEqual({
        span: span.name,
        parent: expect.any(String),
      });

    const enqueue = trace.find((s) => s.name === 'enqueue episode')!;
    expect(enqueue).toMatchObject({ kind: SPAN_KIND.producer, parentSpanId: request_.spanId });
    const stage = (name: string) => trace.find((s) => s.name === `process ${name}`)!;
    for (const name of ['scrape', 'script', 'audio', 'upload']) {
      expect(stage(name)).toMatchObject({
        kind: SPAN_KIND.consumer,
        parentSpanId: enqueue.spanId,
        statusCode: 0,
        attributes: {
          'messaging.destination.name': name,
          'podfleet.job.id': jobId,
          'podfleet.stage.outcome': 'completed',
        },
      });
    }
    // Provider calls are client spans of the stage that made them.
    const within = (s: ReceivedSpan, ancestor: ReceivedSpan): boolean =>
      s.parentSpanId === ancestor.spanId || (parentOf(s) !== undefined && within(parentOf(s)!, ancestor));
    const storageCalls = trace.filter((s) => s.attributes['podfleet.provider.kind'] === 'storage');
    for (const name of ['scrape', 'script', 'audio', 'upload'])
      expect(storageCalls.some((s) => s.name === 'storage put' && within(s, stage(name)))).toBe(true);
    expect(trace.find((s) => s.name === 'script write')?.parentSpanId).toBe(stage('script').spanId);
    const voicing = trace.filter((s) => s.name === 'tts synthesize');
    expect(voicing.length).toBeGreaterThan(0);
    for (const s of voicing) expect(s.parentSpanId).toBe(stage('audio').spanId);
    // The webhook: queued by the upload stage, delivered by the webhooks worker.
    const delivery = trace.find((s) => s.name === 'process webhooks')!;
    expect(parentOf(delivery)?.name).toBe('process upload');
    expect(trace.find((s) => s.name === 'webhook deliver')).toMatchObject({
      kind: SPAN_KIND.client,
      parentSpanId: delivery.spanId,
      attributes: { 'http.response.status_code': 204 },
    });

    // Every line logged about the job (stage jobs are `${jobId}.${run}.${stage}`) carries the
    // trace id, and so does the request's own line.
    const jobLines = [...apiLines, ...workerLines].filter((l) => String(l.jobId ?? '').startsWith(jobId));
    expect(jobLines.map((l) => l.msg)).toContain('episode audio assembled');
    for (const line of jobLines) expect(line).toMatchObject({ trace_id: request_.traceId });
    expect(
      apiLines.find((l) => l.msg === 'request completed' && l.trace_id === request_.traceId),
    ).toBeDefined();
  });

  it("the worker's /metrics counts what the run did", async () => {
    const res = await fetch(`http://127.0.0.1:${await fleet.runtime.healthPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    for (const stage of ['scrape', 'script', 'audio', 'upload']) {
      expect(value(`podfleet_stage_run_duration_seconds_count{stage="${stage}",outcome="completed"}`)).toBe(
        1,
      );
      expect(value(`podfleet_worker_jobs_total{queue="${stage}",outcome="completed",error_code=""}`)).toBe(1);
    }
    expect(
      value('podfleet_stage_run_duration_seconds_sum{stage="audio",outcome="completed"}'),
    ).toBeGreaterThan(0);
    expect(value('podfleet_worker_jobs_total{queue="webhooks",outcome="completed",error_code=""}')).toBe(1);
    expect(value('podfleet_tts_characters_total{provider="espeak"}')).toBeGreaterThan(40);
    expect(value('podfleet_provider_cost_usd_total{kind="tts",provider="espeak"}')).toBe(0);
    expect(
      value(
        'podfleet_provider_request_duration_seconds_count{kind="storage",provider="fs",operation="put",outcome="ok"}',
      ),
    ).toBeGreaterThanOrEqual(4);
    expect(
      value(
        'podfleet_provider_request_duration_seconds_count{kind="webhook",provider="http",operation="deliver",outcome="ok"}',
      ),
    ).toBe(1);
  });
});
