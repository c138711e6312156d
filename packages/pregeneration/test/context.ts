// Test wiring: the pipeline's test context and in-process stage workers (publishing through the
// episode-cache hook), plus users, jobs and episodes made directly in the database.
import { randomUUID } from 'node:crypto';
import { startEpisodeWorkers } from '@podfleet/assembly/testing';
import {
  createEpisodeOnce,
  createJobWithStages,
  type Prisma,
  type PrismaClient,
  type User,
} from '@podfleet/db';
import type { PipelineContext } from '@podfleet/pipeline';
import { warmEpisodeCache } from '../src/cache';

export { createTestContext, type TestContext } from '@podfleet/pipeline/testing';

/** The four stage workers in this process, uploading through `warmEpisodeCache`. */
export async function startStageWorkers(ctx: PipelineContext): Promise<{ close(): Promise<void> }> {
  return startEpisodeWorkers(ctx, { onPublished: warmEpisodeCache });
}

export const shortStyle = { hosts: [{ name: 'Maya' }, { name: 'Theo' }], targetMinutes: 0.5 };

export const textSources = [
  {
    kind: 'text',
    title: 'The Erie Canal',
    text:
      'The Erie Canal opened in 1825 and connected the Hudson River to Lake Erie. It cut the cost of moving ' +
      'goods from the Great Lakes to New York City by about ninety percent. The canal was 363 miles long and ' +
      'had 83 locks. Its success made New York City the leading port of the United States. Towns such as ' +
      'Buffalo, Rochester and Syracuse grew quickly along its route.',
  },
];

type UserOverrides = Partial<
  Pick<
    User,
    | 'timezone'
    | 'dailyEnabled'
    | 'weeklyEnabled'
    | 'pregenerateTier'
    | 'listens'
    | 'lastSeenAt'
    | 'lastGeneratedAt'
    | 'name'
    | 'storageQuotaBytes'
  >
> & { sources?: unknown[] };

/** A user with saved sources and a short style, active (seen at `seenAt`) unless overridden. */
export function createUser(
  db: PrismaClient,
  overrides: UserOverrides = {},
  seenAt = new Date(),
): Promise<User> {
  const { sources = textSources, ...rest } = overrides;
  return db.user.create({
    data: {
      email: `${randomUUID()}@example.test`,
      style: shortStyle,
      lastSeenAt: seenAt,
      ...rest,
      sources: sources as Prisma.InputJsonValue,
    },
  });
}

export interface EpisodeOptions {
  userId: string;
  type?: 'daily' | 'weekly' | 'custom';
  localDate?: string | null;
  expiresAt?: Date | null;
  sizeBytes?: number;
  durationSec?: number;
  title?: string;
  createdAt?: Date;
}

/** A completed job and its episode rows (no stage ran: the rows stand for a finished one). */
export async function createEpisode(db: PrismaClient, options: EpisodeOptions) {
  const type = options.type ?? 'daily';
  const localDate = options.localDate === undefined ? '2026-11-26' : options.localDate;
  const job = await createJobWithStages(db, {
    userId: options.userId,
    type,
    request: {},
    cacheKey: localDate && type !== 'custom' ? `podcast:${options.userId}:${type}:${localDate}` : null,
  });
  const { episode } = await createEpisodeOnce(db, job.id, {
    userId: options.userId,
    type,
    title: options.title ?? 'Canals & photosynthesis',
    description: 'Two hosts talk it through.',
    audioKey: `jobs/${job.id}/episode.mp3`,
    transcriptKey: `jobs/${job.id}/transcript.json`,
    sizeBytes: options.sizeBytes ?? 48_000,
    durationSec: options.durationSec ?? 31.4,
    chapters: [{ title: 'Intro', startSec: 0 }],
    transcript: [{ speaker: 'Maya', text: 'Hello.', start: 0, end: 1 }],
    sources: [{ kind: 'text', title: 'The Erie Canal', url: null }],
    localDate,
    expiresAt: options.expiresAt ?? null,
  });
  await db.job.update({
    where: { id: job.id },
    data: { status: 'completed', episodeId: episode.id, completedAt: new Date() },
  });
  if (options.createdAt) {
    return db.episode.update({ where: { id: episode.id }, data: { createdAt: options.createdAt } });
  }
  return episode;
}
