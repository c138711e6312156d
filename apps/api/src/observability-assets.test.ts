// The Grafana dashboard and the Prometheus files under docker/observability: they parse (JSON,
// YAML, every query by Prometheus's own PromQL grammar) and query only metrics that podfleet's
// code registers: the API's registry and the workers' (@podfleet/telemetry).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectProcessMetrics } from '@podfleet/telemetry';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { startTestApi, type TestApi, testEnv } from '../test/harness';

const root = join(__dirname, '..', '..', '..', 'docker', 'observability');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The metric names a PromQL expression selects; throws on a syntax error. */
function metricNames(expr: string): string[] {
  const names: string[] = [];
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        names.push(expr.slice(node.from, node.to));
    },
  });
  if (errors.length > 0) throw new Error(`PromQL syntax error at ${errors[0]} in: ${expr}`);
  return names;
}

interface Dashboard {
  uid: string;
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
}

interface RuleFile {
  groups: Array<{
    name: string;
    rules: Array<{
      alert: string;
      expr: string;
      for: string;
      labels: { severity: string };
      annotations: object;
    }>;
  }>;
}

describe('docker/observability', () => {
  let t: TestApi;
  let registered: Set<string>;
  beforeAll(async () => {
    t = await startTestApi(testEnv(process.env, 'observability-assets'));
    const metrics = [
      ...t.api.metrics.registry.getMetricsAsArray(),
      ...collectProcessMetrics().getMetricsAsArray(),
    ];
    // A histogram is queried through its _bucket, _sum and _count series.
    registered = new Set(
      metrics.flatMap(({ name, type }) =>
        String(type) === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
      ),
    );
  });
  afterAll(() => t.close());

  it('reads the registries it checks against', () => {
    expect(registered).toContain('podfleet_queue_jobs');
    expect(registered).toContain('podfleet_stage_run_duration_seconds_bucket');
    expect(registered).not.toContain('podfleet_stage_run_duration_seconds');
    expect(() => metricNames('sum(rate(podfleet_jobs[5m])')).toThrow('PromQL syntax error');
  });

  it('the dashboard queries only registered metrics, each query valid PromQL', () => {
    const dashboard = JSON.parse(read('grafana/podfleet.json')) as Dashboard;
    expect(dashboard.uid).toBe('podfleet');
    const queries = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
    );
    expect(queries.length).toBeGreaterThanOrEqual(15);
    const used = new Set<string>();
    for (const { panel, expr } of queries) {
      const names = metricNames(expr);
      expect({ panel, names: names.length > 0 }).toEqual({ panel, names: true });
      for (const name of names) {
        expect({ panel, name, registered: registered.has(name) }).toEqual({ panel, name, registered: true });
        used.add(name);
      }
    }
    // What operators asked to see is there.
    for (const name of [
      'podfleet_stage_run_duration_seconds_bucket',
      'podfleet_worker_jobs_total',
      'podfleet_provider_request_duration_seconds_bucket',
      'podfleet_provider_errors_total',
      'podfleet_provider_rate_limited_total',
      'podfleet_tts_characters_total',
      'podfleet_llm_tokens_total',
      'podfleet_provider_cost_usd_total',
      'podfleet_queue_jobs',
      'podfleet_oldest_waiting_job_seconds',
    ])
      expect(used).toContain(name);
  });

  it('the alert rules cover failure rate, oldest waiting job and cost per day, on registered metrics', () => {
    const rules = (parse(read('prometheus/alerts.yaml')) as RuleFile).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'PodfleetStageFailureRateHigh',
        'PodfleetOldestWaitingJob',
        'PodfleetCostPerDayHigh',
      ]),
    );
    for (const rule of rules) {
      expect(rule).toMatchObject({
        for: expect.stringMatching(/^\d+[smh]$/),
        labels: { severity: expect.stringMatching(/^(page|warning)$/) },
        annotations: { summary: expect.any(String) },
      });
      const names = metricNames(rule.expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names)
        expect({ rule: rule.alert, name, ok: registered.has(name) }).toMatchObject({ ok: true });
    }
  });

  it('the Prometheus configuration loads the rules and scrapes the API and every worker', () => {
    const config = parse(read('prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: Array<{
        job_name: string;
        metrics_path: string;
        static_configs: Array<{ targets: string[] }>;
        authorization?: { type: string; credentials_file: string };
      }>;
    };
    expect(config.rule_files).toEqual(['alerts.yaml']);
    const targets = config.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets).toEqual(
      expect.arrayContaining(['api:3000', 'scraper:3001', 'audio:3001', 'uploader:3001']),
    );
    for (const scrape of config.scrape_configs) expect(scrape.metrics_path).toBe('/metrics');
    // The API answers /metrics only with METRICS_TOKEN in production (issue #18).
    const api = config.scrape_configs.find((c) =>
      c.static_configs.some((s) => s.targets.includes('api:3000')),
    );
    expect(api?.authorization).toEqual({ type: 'Bearer', credentials_file: expect.stringMatching(/^\//) });
  });
});
