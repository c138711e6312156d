// Edit, then re-render (#17): an episode's script as the edit API shows it (lines with stable
// ids), and the job that renders an edited script (or new voices) as the episode's next version.
// The job reuses the episode's scrape artifact and its script stage takes the edited script saved
// with the version (no writer runs), so only audio and upload do real work; the audio stage takes unchanged lines (same text, same
// voice) from the clip cache, and the upload stage publishes a new version of the same episode.
import { randomUUID } from 'node:crypto';
import { advanceScriptVersion, type Episode, type Prisma } from '@podfleet/db';
import { type Host, type ScriptDocument, scriptDocumentSchema } from '@podfleet/providers';
import { z } from 'zod';
import { artifactKeyFor, jsonArtifactKey } from './artifacts';
import type { PipelineContext } from './context';
import { type SubmitResult, submitEpisodeJob } from './lifecycle';
import type { EpisodeRequest } from './request';

export type RerenderKind = 'script' | 'voices';

/** What a re-render job's stored request carries besides the original request (see uploadStage). */
export const rerenderMarkerSchema = z.object({
  rerender: z.object({
    episodeId: z.string(),
    /** The script version the job renders, the episode's version once it is published. */
    version: z.number().int().min(2),
    kind: z.enum(['script', 'voices']),
    /** The script as saved with its version: the job's script stage takes it (no writer runs). */
    scriptKey: z.string(),
  }),
});
export type RerenderMarker = z.infer<typeof rerenderMarkerSchema>['rerender'];

/** The marker of a re-render job's request; null for every other job. */
export function rerenderOf(request: Prisma.JsonValue): RerenderMarker | null {
  const parsed = rerenderMarkerSchema.safeParse(request);
  return parsed.success ? parsed.data.rerender : null;
}

/** Where an episode's newest script lives: its own key once edited, else its job's script artifact. */
export const episodeScriptKey = (episode: Pick<Episode, 'jobId' | 'scriptKey'>) =>
  episode.scriptKey ?? jsonArtifactKey(episode.jobId, 'script');

/** A script whose every line has an id. */
export type EditableScript = ScriptDocument & {
  lines: Array<ScriptDocument['lines'][number] & { id: string }>;
};

const positionalId = (index: number) => `l${index + 1}`;

/**
 * Gives the lines without an id one: `l{n}` by position in a script that has none (a writer's),
 * else the next free `l{n}` (lines an edit added).
 */
export function withLineIds(script: ScriptDocument): EditableScript {
  const taken = new Set(script.lines.flatMap((l) => (l.id ? [l.id] : [])));
  // positionalId(next) is one past the highest `l{n}` in use.
  let next = Math.max(0, ...[...taken].map((id) => (/^l\d+$/.test(id) ? Number(id.slice(1)) : 0)));
  const lines = script.lines.map((line, index) => {
    if (line.id) return { ...line, id: line.id };
    if (taken.size === 0) return { ...line, id: positionalId(index) };
    let id: string;
    do id = positionalId(next++);
    while (taken.has(id));
    taken.add(id);
    return { ...line, id };
  });
  return { ...script, lines };
}

/** The episode's newest script (lines with ids) and its version (the ETag of GET/PUT script). */
export async function readEpisodeScript(
  ctx: Pick<PipelineContext, 'storage'>,
  episode: Pick<Episode, 'jobId' | 'scriptKey' | 'scriptVersion'>,
): Promise<{ version: number; script: EditableScript }> {
  const body = await ctx.storage.getBuffer(episodeScriptKey(episode));
  const script = scriptDocumentSchema.parse(JSON.parse(body.toString('utf8')));
  return { version: episode.scriptVersion, script: withLineIds(script) };
}

/** `PUT /v1/episodes/:id/script` body: the script's editable parts, line ids kept from GET. */
export const scriptEditSchema = scriptDocumentSchema
  .pick({ hosts: true, chapters: true, lines: true })
  .extend({
    title: scriptDocumentSchema.shape.title.max(300).optional(),
    description: scriptDocumentSchema.shape.description.max(4000).optional(),
    hosts: scriptDocumentSchema.shape.hosts.max(4),
    lines: scriptDocumentSchema.shape.lines.max(2000),
  })
  .strict();
export type ScriptEdit = z.infer<typeof scriptEditSchema>;

export interface ScriptProblem {
  path: string;
  message: string;
}

const wordsIn = (text: string) => text.split(/\s+/).filter(Boolean).length;

/**
 * The edited script, whole and checked as the pipeline checks a writer's (scriptDocumentSchema),
 * plus what the schema cannot say: every speaker is a host, every chapter index exists, host
 * names and line ids are unique. Problems come back by path (HTTP 422).
 */
export function applyScriptEdit(
  current: ScriptDocument,
  edit: ScriptEdit,
): { script: EditableScript; problems: [] } | { script: null; problems: ScriptProblem[] } {
  const problems: ScriptProblem[] = [];
  const hostNames = new Map<string, number>();
  edit.hosts.forEach((host, i) => {
    const folded = host.name.toLowerCase();
    if (hostNames.has(folded))
      problems.push({ path: `hosts.${i}.name`, message: `host "${host.name}" is named twice` });
    hostNames.set(folded, i);
  });
  const ids = new Set<string>();
  edit.lines.forEach((line, i) => {
    if (!hostNames.has(line.speaker.toLowerCase())) {
      problems.push({
        path: `lines.${i}.speaker`,
        message: `"${line.speaker}" is not a host (hosts: ${edit.hosts.map((h) => h.name).join(', ')})`,
      });
    }
    if (line.chapter >= edit.chapters.length) {
      problems.push({
        path: `lines.${i}.chapter`,
        message: `chapter ${line.chapter} does not exist (${edit.chapters.length} chapters, numbered from 0)`,
      });
    }
    if (line.id !== undefined) {
      if (ids.has(line.id))
        problems.push({ path: `lines.${i}.id`, message: `line id "${line.id}" is used twice` });
      ids.add(line.id);
    }
  });
  if (problems.length > 0) return { script: null, problems };
  const parsed = scriptDocumentSchema.safeParse({
    title: edit.title ?? current.title,
    description: edit.description ?? current.description,
    hosts: edit.hosts,
    chapters: edit.chapters,
    lines: edit.lines,
    wordCount: edit.lines.reduce((n, l) => n + wordsIn(l.text), 0),
    // Nothing was written by a model for this version.
    usage: null,
  });
  if (!parsed.success) {
    return {
      script: null,
      problems: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    };
  }
  return { script: withLineIds(parsed.data), problems: [] };
}

/**
 * The script with new voices: each `hosts` entry names the host it changes, or (without a name)
 * changes the host at its position. Problems come back by path (HTTP 422).
 */
export function applyVoices(
  current: ScriptDocument,
  hosts: ReadonlyArray<{ name?: string | undefined; voice: string }>,
): { script: ScriptDocument; problems: ScriptProblem[] } {
  const problems: ScriptProblem[] = [];
  const next: Host[] = current.hosts.map((h) => ({ ...h }));
  hosts.forEach((change, i) => {
    const index =
      change.name === undefined
        ? i
        : next.findIndex((h) => h.name.toLowerCase() === change.name!.toLowerCase());
    const host = next[index];
    if (!host) {
      problems.push({
        path: `hosts.${i}${change.name === undefined ? '' : '.name'}`,
        message:
          change.name === undefined
            ? `the script has ${next.length} hosts`
            : `"${change.name}" is not a host (hosts: ${next.map((h) => h.name).join(', ')})`,
      });
      return;
    }
    host.voice = change.voice;
  });
  return { script: { ...current, hosts: next }, problems };
}

/** The script moved on since the version the caller edited (HTTP 412). */
export class ScriptVersionConflictError extends Error {
  constructor(readonly currentVersion: number) {
    super(`the script is at version ${currentVersion}`);
    this.name = 'ScriptVersionConflictError';
  }
}

export interface RerenderInput {
  episode: Pick<Episode, 'id' | 'userId' | 'jobId' | 'scriptVersion'>;
  /** The script to render (already checked). */
  script: ScriptDocument;
  /** The script version it replaces (If-Match); the episode's newest when omitted. */
  expectedVersion?: number;
  kind: RerenderKind;
}

/**
 * Saves `script` as the episode's next script version (compare-and-set on `expectedVersion`:
 * ScriptVersionConflictError, and nothing left behind, when it moved on), then submits the job
 * that renders it. The script is stored before the job exists (under the episode's own job, so
 * it lives as long as the episode) and named in the job's request, so whenever the job's flow
 * starts, its script stage takes exactly this script.
 */
export async function submitRerenderJob(
  ctx: PipelineContext,
  input: RerenderInput,
): Promise<SubmitResult & { version: number }> {
  const { episode, script, kind } = input;
  const expected = input.expectedVersion ?? episode.scriptVersion;
  if (expected !== episode.scriptVersion) throw new ScriptVersionConflictError(episode.scriptVersion);
  const origin = await ctx.db.job.findUniqueOrThrow({ where: { id: episode.jobId } });
  // A key of its own per attempt: two edits racing from one version never write the same object.
  const scriptKey = artifactKeyFor(episode.jobId, `scripts/${randomUUID()}.json`);
  await ctx.storage.put(scriptKey, Buffer.from(JSON.stringify(script)), { contentType: 'application/json' });
  const version = await advanceScriptVersion(ctx.db, episode.id, expected, scriptKey);
  if (version === null) {
    await ctx.storage.delete(scriptKey).catch(() => {});
    const now = await ctx.db.episode.findUnique({
      where: { id: episode.id },
      select: { scriptVersion: true },
    });
    throw new ScriptVersionConflictError(now?.scriptVersion ?? expected);
  }
  const originRequest = origin.request as { sources?: unknown; style?: Record<string, unknown> };
  const rerender: RerenderMarker = { episodeId: episode.id, version, kind, scriptKey };
  const request = {
    type: 'custom',
    sources: originRequest.sources,
    style: { ...(originRequest.style ?? {}), hosts: script.hosts },
    forceRegenerate: false,
    priority: 'normal',
    rerender,
  } as EpisodeRequest;
  const submitted = await submitEpisodeJob(ctx, {
    userId: episode.userId,
    request,
    reuseArtifactsFrom: episode.jobId,
    reuseStages: ['scrape'],
  });
  // The job renders this episode: it shows so from the start, and retention keeps its artifacts
  // (a version of the episode) while the episode lives.
  await ctx.db.job.update({ where: { id: submitted.job.id }, data: { episodeId: episode.id } });
  return { ...submitted, job: { ...submitted.job, episodeId: episode.id }, version };
}
