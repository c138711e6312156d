import { newJobId } from '@podfleet/db';
import { submitUploadJob } from '@podfleet/pipeline';
import { receiveUpload, UploadError, type UploadErrorKind } from '@podfleet/uploads';
import { Router } from 'express';
import { HttpProblem } from '../http/problem';
import { currentUser } from '../middleware/auth';
import { assertQueueHasRoom } from '../services/backpressure';
import { assertStorageRoom, requesterWithRoom } from '../services/storage-room';
import type { RouteContext } from './context';

/** Largest transcript file accepted beside the audio (it is parsed in memory). */
export const UPLOAD_TRANSCRIPT_MAX_BYTES = 5 * 1024 * 1024;
/** Room for the form's boundaries, part headers and title around the two files. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

const STATUS: Record<UploadErrorKind, { status: number; type: string }> = {
  malformed: { status: 400, type: 'malformed-upload' },
  'too-large': { status: 413, type: 'upload-too-large' },
  'unsupported-type': { status: 415, type: 'unsupported-audio-type' },
  invalid: { status: 422, type: 'validation' },
  'invalid-transcript': { status: 422, type: 'invalid-transcript' },
};

function uploadProblem(err: UploadError): HttpProblem {
  const { status, type } = STATUS[err.kind];
  return new HttpProblem(status, {
    type,
    detail: err.message,
    ...(err.field ? { errors: [{ path: err.field, message: err.message }] } : {}),
  });
}

/**
 * POST /v1/uploads: an audio file (and optionally its transcript) made into an episode. Mounted
 * before the 1 MB body limit, which is for JSON bodies: this one streams into storage as it arrives.
 */
export function uploadsRouter(ctx: RouteContext): Router {
  const router = Router();
  const { settings } = ctx;

  router.post('/v1/uploads', ctx.guards.user, async (req, res) => {
    const { userId } = currentUser(req);
    if (!req.is('multipart/form-data')) {
      throw new HttpProblem(415, {
        type: 'unsupported-media-type',
        detail: 'send the upload as multipart/form-data: audio (file), transcript (file, optional), title',
      });
    }
    const quota = await ctx.rateLimiter.hit(`uploads:${userId}`, settings.userRequestsPerMinute);
    if (!quota.allowed) {
      throw new HttpProblem(429, {
        type: 'rate-limited',
        detail: `at most ${quota.limit} uploads per minute; try again in ${quota.resetSec} s`,
        headers: { 'Retry-After': String(quota.resetSec) },
      });
    }
    // What the client says it sends, refused before a byte is stored when it is plainly too much.
    const declaredBytes = Number(req.headers['content-length'] ?? Number.NaN);
    const largestForm = settings.uploadMaxBytes + UPLOAD_TRANSCRIPT_MAX_BYTES + FORM_OVERHEAD_BYTES;
    if (declaredBytes > largestForm) {
      throw new HttpProblem(413, {
        type: 'upload-too-large',
        detail: `the upload is ${declaredBytes} bytes; audio files may be at most ${settings.uploadMaxBytes} bytes`,
      });
    }
    await requesterWithRoom(ctx.db, settings, userId, 'upload again once older ones expire');
    // The user's quota with this upload in it (413) and the fleet's (STORAGE_QUOTA_BYTES, 507),
    // before streaming: `declaredBytes` (the Content-Length, when sent) bounds what it stores.
    await assertStorageRoom(ctx.db, settings, {
      userId,
      incomingBytes: Number.isFinite(declaredBytes) ? declaredBytes : 0,
    });
    await assertQueueHasRoom(ctx.queueDepth, settings.maxQueueSize);

    // The job's id comes first: its upload is staged among its artifacts, which retention removes
    // with the job's others should no episode ever come of it (a failed job that is never retried).
    const jobId = newJobId();
    const prefix = `jobs/${jobId}/upload/`;
    let received: Awaited<ReturnType<typeof receiveUpload>>;
    try {
      received = await receiveUpload(req, req.headers, {
        storage: ctx.storage,
        keyPrefix: prefix,
        maxAudioBytes: settings.uploadMaxBytes,
        maxTranscriptBytes: UPLOAD_TRANSCRIPT_MAX_BYTES,
      });
    } catch (err) {
      if (err instanceof UploadError) throw uploadProblem(err);
      if (req.socket.destroyed) {
        // The client went away mid-upload: what it sent is deleted, and nobody is left to answer.
        req.log.info({ err }, 'upload abandoned by the client; staged objects removed');
        return;
      }
      throw err;
    }
    let submitted: Awaited<ReturnType<typeof submitUploadJob>>;
    try {
      submitted = await submitUploadJob(ctx.pipelineFor(req), {
        jobId,
        userId,
        request: {
          title: received.title,
          upload: {
            prefix,
            audioKey: received.audio.key,
            format: received.audio.format,
            sizeBytes: received.audio.sizeBytes,
            filename: received.audio.filename?.slice(0, 255) ?? null,
            transcriptKey: received.transcript?.key ?? null,
          },
        },
      });
    } catch (err) {
      await ctx.storage.deletePrefix(prefix).catch(() => {});
      throw err;
    }
    const { job } = submitted;
    const pollUrl = `${ctx.baseUrl(req)}/v1/jobs/${job.id}`;
    res
      .status(202)
      .location(pollUrl)
      .json({
        jobId: job.id,
        status: job.status,
        pollUrl,
        eventsUrl: `${pollUrl}/events`,
        deduplicated: false,
      });
  });

  return router;
}
