// Edit, then re-render (#17): an episode's script (GET, PUT with If-Match on its version), a
// re-render with new voices, and the versions a re-render keeps. Each change starts a job that
// runs audio and upload only (lines unchanged in text and voice come from the clip cache) and
// publishes the episode's next version; the replaced versions stay downloadable.
import { type Episode, listEpisodeVersions } from '@podfleet/db';
import {
  applyScriptEdit,
  applyVoices,
  type EditableScript,
  episodeScriptKey,
  type RerenderKind,
  readEpisodeScript,
  type ScriptProblem,
  ScriptVersionConflictError,
  scriptEditSchema,
  submitRerenderJob,
} from '@podfleet/pipeline';
import { paceFor, readFleetPace, type ScriptDocument, scriptSeconds } from '@podfleet/providers';
import { episodeVersionAudioPath } from '@podfleet/webhooks';
import { type Request, type Response, Router } from 'express';
import { HttpProblem, notFound } from '../http/problem';
import { parseBody } from '../http/validate';
import { currentUser, ownerScope } from '../middleware/auth';
import { rerenderBodySchema } from '../schemas';
import { assertQueueHasRoom } from '../services/backpressure';
import type { RouteContext } from './context';
import { checkStyle } from './voices';

/** A script version as an entity tag: strong, quoted. */
const etagOf = (version: number) => `"${version}"`;

/**
 * The version an If-Match header names: `*` is the current one; a weak tag never matches
 * (RFC 9110 §13.1.1 compares strongly); null when none of its tags is a version.
 */
function ifMatchVersion(header: string, current: number): number | null {
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(etagOf(current))) return current;
  const named = tags.map((t) => /^"(\d{1,9})"$/.exec(t)?.[1]).find((v) => v !== undefined);
  return named === undefined ? null : Number(named);
}

const invalid = (detail: string, problems: ScriptProblem[]) =>
  new HttpProblem(422, { type: 'validation', detail, errors: problems });

export function episodeEditsRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards, settings } = ctx;

  const findEpisode = async (req: Request): Promise<Episode> => {
    const episode = await db.episode.findFirst({ where: { id: String(req.params.id), ...ownerScope(req) } });
    if (!episode) throw notFound('episode');
    return episode;
  };

  /** The episode's newest script; 404 when it has none (an episode made from an upload). */
  const scriptOf = async (episode: Episode) => {
    if (!(await ctx.storage.head(episodeScriptKey(episode)))) throw notFound('script');
    return readEpisodeScript(ctx, episode);
  };

  /** How long the script would last voiced, at the pace the audio workers measured. */
  const estimatedSeconds = async (script: EditableScript) => {
    const language = script.language ?? 'en';
    const pace = paceFor(await readFleetPace(ctx.redis, settings.prefix), language);
    return Math.round(scriptSeconds(script.lines, language, pace) * 10) / 10;
  };

  const scriptView = async (episode: Episode, version: number, script: EditableScript) => ({
    episodeId: episode.id,
    version,
    renderedVersion: episode.version,
    title: script.title,
    description: script.description,
    hosts: script.hosts,
    chapters: script.chapters,
    lines: script.lines.map(({ id, speaker, text, chapter }) => ({ id, speaker, text, chapter })),
    wordCount: script.wordCount,
    estimatedSec: await estimatedSeconds(script),
  });

  /** Re-renders cost like episode requests: the same per-minute limit and full-queue refusal. */
  const admit = async (req: Request, res: Response) => {
    const quota = await ctx.rateLimiter.hit(
      `episodes:${currentUser(req).userId}`,
      settings.userRequestsPerMinute,
    );
    res.setHeader('RateLimit-Limit', String(quota.limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, quota.limit - quota.count)));
    res.setHeader('RateLimit-Reset', String(quota.resetSec));
    if (!quota.allowed) {
      throw new HttpProblem(429, {
        type: 'rate-limited',
        detail: `at most ${quota.limit} episode requests per minute; try again in ${quota.resetSec} s`,
        headers: { 'Retry-After': String(quota.resetSec) },
      });
    }
    await assertQueueHasRoom(ctx.queueDepth, settings.maxQueueSize);
  };

  /** Saves the script as the next version and answers with the ticket of the job rendering it. */
  const rerender = async (
    req: Request,
    res: Response,
    episode: Episode,
    script: ScriptDocument,
    kind: RerenderKind,
    expectedVersion: number,
  ) => {
    let submitted: Awaited<ReturnType<typeof submitRerenderJob>>;
    try {
      submitted = await submitRerenderJob(ctx.pipelineFor(req), { episode, script, kind, expectedVersion });
    } catch (err) {
      if (err instanceof ScriptVersionConflictError) throw versionMoved(err.currentVersion);
      throw err;
    }
    const pollUrl = `${ctx.baseUrl(req)}/v1/jobs/${submitted.job.id}`;
    res
      .status(202)
      .location(pollUrl)
      .setHeader('ETag', etagOf(submitted.version))
      .json({
        jobId: submitted.job.id,
        status: submitted.job.status,
        pollUrl,
        eventsUrl: `${pollUrl}/events`,
        deduplicated: false,
        version: submitted.version,
      });
  };

  const versionMoved = (current: number) =>
    new HttpProblem(412, {
      type: 'script-version-mismatch',
      detail: `the script is at version ${current}: GET it again, apply your edit to it and send it with If-Match: "${current}"`,
      headers: { ETag: etagOf(current) },
      extra: { currentVersion: current },
    });

  router.get('/v1/episodes/:id/script', guards.userOrAdmin, async (req, res) => {
    const episode = await findEpisode(req);
    const { version, script } = await scriptOf(episode);
    res.setHeader('ETag', etagOf(version));
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(await scriptView(episode, version, script));
  });

  router.put('/v1/episodes/:id/script', guards.user, async (req, res) => {
    const edit = parseBody(req, scriptEditSchema);
    const episode = await findEpisode(req);
    const ifMatch = req.get('if-match');
    if (ifMatch === undefined) {
      throw new HttpProblem(428, {
        type: 'precondition-required',
        detail: `send If-Match with the script's ETag (GET /v1/episodes/${episode.id}/script), so an edit never overwrites another`,
      });
    }
    const expected = ifMatchVersion(ifMatch, episode.scriptVersion);
    if (expected !== episode.scriptVersion) throw versionMoved(episode.scriptVersion);
    const { script: current } = await scriptOf(episode);
    const applied = applyScriptEdit(current, edit);
    if (!applied.script) throw invalid('the script is invalid', applied.problems);
    await checkStyle(ctx, { hosts: applied.script.hosts }, '');
    await admit(req, res);
    await rerender(req, res, episode, applied.script, 'script', expected);
  });

  router.post('/v1/episodes/:id/rerender', guards.user, async (req, res) => {
    const body = parseBody(req, rerenderBodySchema);
    const episode = await findEpisode(req);
    await checkStyle(ctx, { hosts: body.hosts }, '');
    const { version, script: current } = await scriptOf(episode);
    const applied = applyVoices(current, body.hosts);
    if (applied.problems.length > 0) throw invalid("the hosts are not the script's", applied.problems);
    await admit(req, res);
    await rerender(req, res, episode, applied.script, 'voices', version);
  });

  router.get('/v1/episodes/:id/versions', guards.userOrAdmin, async (req, res) => {
    const episode = await findEpisode(req);
    const replaced = await listEpisodeVersions(db, episode.id);
    const p = req.principal;
    const urlVersion =
      p?.kind === 'user'
        ? p.mediaUrlVersion
        : ((await db.user.findUnique({ where: { id: episode.userId }, select: { mediaUrlVersion: true } }))
            ?.mediaUrlVersion ?? 1);
    const audioUrl = (version: number) =>
      `${ctx.baseUrl(req)}${ctx.mediaSigner.signedPath(episodeVersionAudioPath(episode.id, version), Date.now(), urlVersion)}`;
    res.json({
      episodeId: episode.id,
      version: episode.version,
      scriptVersion: episode.scriptVersion,
      items: [
        {
          version: episode.version,
          current: true,
          jobId: episode.renderJobId ?? episode.jobId,
          audioUrl: audioUrl(episode.version),
          durationSec: Math.round(episode.durationSec * 1000) / 1000,
          sizeBytes: episode.sizeBytes,
          renderedAt: (episode.renderedAt ?? episode.createdAt).toISOString(),
          replacedAt: null,
        },
        ...replaced.map((v) => ({
          version: v.version,
          current: false,
          jobId: v.jobId,
          audioUrl: audioUrl(v.version),
          durationSec: Math.round(v.durationSec * 1000) / 1000,
          sizeBytes: v.sizeBytes,
          renderedAt: v.renderedAt.toISOString(),
          replacedAt: v.replacedAt.toISOString(),
        })),
      ],
    });
  });

  return router;
}
