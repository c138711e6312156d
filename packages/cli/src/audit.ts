// `npm run audit`: pnpm's audit of the lockfile against the registry's security advisories,
// reduced to what CI needs. High and critical findings fail; an advisory endpoint that cannot be
// reached (registry mirrors and proxies often refuse it) is reported as "not checked", never as
// clean.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Findings at or above this fail the audit. */
const FAILING: readonly Severity[] = ['high', 'critical'];

// The npm audit report (v1) pnpm prints with --json; only the fields read here.
const reportSchema = z.object({
  advisories: z.record(
    z.string(),
    z.object({
      module_name: z.string(),
      severity: z.enum(SEVERITIES),
      title: z.string(),
      url: z.string().optional(),
      vulnerable_versions: z.string().optional(),
      patched_versions: z.string().optional(),
      findings: z.array(z.object({ version: z.string(), paths: z.array(z.string()) })).default([]),
    }),
  ),
  metadata: z.object({
    vulnerabilities: z.object(
      Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int()])) as {
        [S in Severity]: z.ZodNumber;
      },
    ),
    totalDependencies: z.number().int().optional(),
  }),
});
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface AuditFinding {
  module: string;
  severity: Severity;
  title: string;
  url: string | undefined;
  vulnerableVersions: string | undefined;
  patchedVersions: string | undefined;
  /** Installed versions that match, with a dependency path each (`a>b>c`). */
  installed: Array<{ version: string; path: string | undefined }>;
}

export type AuditOutcome =
  | {
      kind: 'checked';
      counts: Record<Severity, number>;
      dependencies: number | undefined;
      failing: AuditFinding[];
    }
  | { kind: 'unreachable'; reason: string };

/** Reads pnpm audit's --json output (a report, or an error object when the endpoint failed). */
export function parseAuditOutput(stdout: string): AuditOutcome {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return { kind: 'unreachable', reason: `pnpm audit printed no report: ${stdout.trim().slice(0, 300)}` };
  }
  const failed = errorSchema.safeParse(json);
  if (failed.success)
    return { kind: 'unreachable', reason: `${failed.data.error.code}: ${failed.data.error.message}` };
  const report = reportSchema.parse(json);
  const failing = Object.values(report.advisories)
    .filter((a) => FAILING.includes(a.severity))
    .map((a) => ({
      module: a.module_name,
      severity: a.severity,
      title: a.title,
      url: a.url,
      vulnerableVersions: a.vulnerable_versions,
      patchedVersions: a.patched_versions,
      installed: a.findings.map((f) => ({ version: f.version, path: f.paths[0] })),
    }));
  return {
    kind: 'checked',
    counts: report.metadata.vulnerabilities,
    dependencies: report.metadata.totalDependencies,
    failing,
  };
}

export interface AuditOptions {
  /** The workspace root (its lockfile is audited). */
  root: string;
  /** Another registry than the configured one (tests point it at a fake). */
  registry?: string;
}

/** Runs `pnpm audit --json` (the pinned pnpm, through npx) over the lockfile, production and dev dependencies. */
export function runAudit({ root, registry }: AuditOptions): Promise<AuditOutcome> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string };
  const pnpm = `pnpm@${manifest.packageManager.split('@')[1]}`;
  const args = ['-y', pnpm, 'audit', '--json', ...(registry ? ['--registry', registry] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', () => resolve(parseAuditOutput(stdout || stderr)));
  });
}

/** The lines to print for an outcome, and the exit status: 0 clean, 1 failing findings, 3 not checked. */
export function describeAudit(outcome: AuditOutcome): { lines: string[]; status: number } {
  if (outcome.kind === 'unreachable') {
    return {
      lines: [`audit: NOT CHECKED: the registry's advisory endpoint could not be used (${outcome.reason})`],
      status: 3,
    };
  }
  const counts = SEVERITIES.map((s) => `${outcome.counts[s]} ${s}`).join(', ');
  const lines = [
    `audit: ${outcome.dependencies ?? '?'} dependencies checked: ${counts}`,
    ...outcome.failing.map(
      (f) =>
        `  ${f.severity.toUpperCase()} ${f.module} ${f.installed.map((i) => i.version).join(', ')}: ${f.title}` +
        ` (vulnerable ${f.vulnerableVersions ?? '?'}, fixed in ${f.patchedVersions ?? '?'}; via ${f.installed[0]?.path ?? '?'})` +
        (f.url ? ` ${f.url}` : ''),
    ),
  ];
  if (outcome.failing.length > 0) lines.push(`audit: ${outcome.failing.length} high or critical advisories`);
  return { lines, status: outcome.failing.length > 0 ? 1 : 0 };
}
