// An in-process fleet for pipeline tests: the real stage processors on real Redis, PostgreSQL
// and fs storage; only third-party APIs are local fakes.
import { randomUUID } from 'node:crypto';
import type { Job, PrismaClient } from '@podfleet/db';
import type { PipelineContext, ScrapeOptions } from '@podfleet/pipeline';
import { createTestContext } from '@podfleet/pipeline/testing';
import type { ScriptWriter } from '@podfleet/providers';
import type { WorkerRuntime } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import type { TtsEngine } from '@podfleet/tts';
import { startEpisodeWorkers } from '../src/testing';

export interface Fleet {
  ctx: PipelineContext;
  db: PrismaClient;
  runtime: WorkerRuntime;
  storageDir: string;
  close(): Promise<void>;
}

export async function startFleet(
  options: {
    scrape?: Partial<ScrapeOptions>;
    engine?: TtsEngine;
    writer?: ScriptWriter;
    userMaxActiveJobs?: number;
  } = {},
): Promise<Fleet> {
  const context = await createTestContext(
    options.userMaxActiveJobs ? { userMaxActiveJobs: options.userMaxActiveJobs } : {},
  );
  const workers = await startEpisodeWorkers(context.ctx, {
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.writer ? { writer: options.writer } : {}),
    ...(options.scrape ? { scrape: options.scrape } : {}),
  });
  return {
    ctx: context.ctx,
    db: context.db,
    runtime: workers.runtime,
    storageDir: context.storageDir,
    async close() {
      await workers.close();
      await context.close();
    },
  };
}

export async function createUser(db: PrismaClient, overrides: { timezone?: string } = {}) {
  return db.user.create({ data: { email: `${randomUUID()}@example.test`, ...overrides } });
}

export async function waitForStatus(
  db: PrismaClient,
  jobId: string,
  statuses: Job['status'][],
  timeoutMs = 60_000,
) {
  return waitFor(
    async () => {
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      return statuses.includes(job.status) ? job : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `job ${jobId} to reach ${statuses.join('/')}` },
  );
}

export const shortStyle = { hosts: [{ name: 'Maya' }, { name: 'Theo' }], targetMinutes: 0.5 };

export const textSources = [
  {
    kind: 'text' as const,
    title: 'The Erie Canal',
    text:
      'The Erie Canal opened in 1825 and connected the Hudson River to Lake Erie. It cut the cost of moving ' +
      'goods from the Great Lakes to New York City by about ninety percent. The canal was 363 miles long and ' +
      'had 83 locks. Its success made New York City the leading port of the United States. Towns such as ' +
      'Buffalo, Rochester and Syracuse grew quickly along its route. The canal was enlarged twice in the ' +
      'nineteenth century to carry larger boats. Today it is used mostly by recreational boaters and is part ' +
      'of a national heritage corridor.',
  },
  {
    kind: 'text' as const,
    title: 'Photosynthesis',
    text:
      'Photosynthesis is the process plants use to turn light into chemical energy. Chlorophyll in the ' +
      'leaves absorbs mostly red and blue light and reflects green light. Water is split and oxygen is ' +
      'released as a by-product. Carbon dioxide from the air is fixed into sugars in the Calvin cycle. ' +
      'Nearly all the oxygen in the atmosphere comes from photosynthesis over billions of years. Ocean ' +
      'algae produce a large share of it today. Scientists study the process to design better solar fuels.',
  },
];
