import { join } from 'node:path';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';
import { describeAudit, parseAuditOutput, runAudit } from './audit';

const root = join(__dirname, '..', '..', '..');

/** An npm audit (v1) report as the registry's quick-audit endpoint answers it. */
function report(advisories: Record<string, unknown>, vulnerabilities: Partial<Record<string, number>>) {
  return {
    actions: [],
    advisories,
    muted: [],
    metadata: {
      vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...vulnerabilities },
      dependencies: 10,
      devDependencies: 5,
      optionalDependencies: 0,
      totalDependencies: 15,
    },
  };
}

const highAdvisory = {
  id: 1097,
  module_name: 'example-lib',
  severity: 'high',
  title: 'Prototype pollution in example-lib',
  url: 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz',
  vulnerable_versions: '<2.0.1',
  patched_versions: '>=2.0.1',
  findings: [{ version: '2.0.0', paths: ['apps__api>example-lib'] }],
};

describe('runAudit against a fake registry', () => {
  let registry: FakeServer;
  let answer: { status: number; body: unknown };
  beforeAll(async () => {
    registry = await startHttpServer((req, res) => {
      if (req.method === 'POST' && req.url.includes('/-/npm/v1/security/audits')) {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  afterAll(() => registry.close());

  it('sends the lockfile’s dependencies and fails on a high advisory, naming it', async () => {
    answer = { status: 200, body: report({ 1097: highAdvisory }, { high: 1, low: 2 }) };
    const outcome = await runAudit({ root, registry: `${registry.url}/` });
    // Every workspace package, with its dependency tree from the lockfile.
    const sent = registry.requests.at(-1)!.body.toString();
    const { requires } = JSON.parse(sent) as { requires: Record<string, string> };
    expect(Object.keys(requires)).toEqual(expect.arrayContaining(['apps__api', 'packages__queue']));
    expect(/"bullmq":\{[^{}]*"version":"6\.7\.0"/.test(sent)).toBe(true);
    expect(outcome).toMatchObject({ kind: 'checked', counts: { high: 1, low: 2 } });
    const { lines, status } = describeAudit(outcome);
    expect(status).toBe(1);
    expect(lines.join('\n')).toContain('HIGH example-lib 2.0.0: Prototype pollution in example-lib');
  }, 60_000);

  it('passes when only low and moderate advisories remain', async () => {
    const moderate = { ...highAdvisory, severity: 'moderate' };
    answer = { status: 200, body: report({ 1097: moderate }, { moderate: 1 }) };
    const { lines, status } = describeAudit(await runAudit({ root, registry: `${registry.url}/` }));
    expect(status).toBe(0);
    expect(lines[0]).toMatch(
      /^audit: 15 dependencies checked: 0 info, 0 low, 1 moderate, 0 high, 0 critical$/,
    );
  }, 60_000);

  it('reports an endpoint that refuses the audit as not checked, never as clean', async () => {
    answer = { status: 405, body: {} };
    const outcome = await runAudit({ root, registry: `${registry.url}/` });
    expect(outcome.kind).toBe('unreachable');
    const { lines, status } = describeAudit(outcome);
    expect(status).toBe(3);
    expect(lines[0]).toMatch(/NOT CHECKED.*405/);
  }, 60_000);
});

describe('parseAuditOutput', () => {
  it('treats output that is not a report as not checked', () => {
    expect(parseAuditOutput('npx: command not found')).toEqual({
      kind: 'unreachable',
      reason: 'pnpm audit printed no report: npx: command not found',
    });
  });
});
