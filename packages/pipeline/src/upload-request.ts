// An upload job (POST /v1/uploads): what its stored request holds and what its episode says.
// The audio stage reads the staged file it names; the upload stage publishes from it.
import type { Stage } from '@podfleet/db';
import { z } from 'zod';
import type { AudioArtifact } from './artifacts';

/** `Job.request` of an upload job: the form's title and where the received files were staged. */
export const uploadJobRequestSchema = z.object({
  title: z.string().min(1).max(200),
  upload: z.object({
    /**
     * Every object of the upload lives under it (`jobs/{jobId}/upload/`): removed once the episode
     * is published, and with the job's other artifacts by retention when it never is.
     */
    prefix: z.string().min(1),
    audioKey: z.string().min(1),
    /** As recognised from the file's bytes (mp3, m4a, aac, wav, flac, ogg…). */
    format: z.string().min(1),
    sizeBytes: z.number().int().min(0),
    filename: z.string().max(255).nullable(),
    /** The parsed transcript (`@podfleet/uploads` StagedTranscript), when one was uploaded. */
    transcriptKey: z.string().min(1).nullable(),
  }),
});
export type UploadJobRequest = z.infer<typeof uploadJobRequestSchema>;

/** The first stage a job's flow may run: an upload has no sources to scrape nor script to write. */
export const firstStageOf = (type: string): Stage => (type === 'upload' ? 'audio' : 'scrape');

/** The stages an upload job skips (recorded `skipped`). */
export const UPLOAD_SKIPPED_STAGES = ['scrape', 'script'] as const satisfies readonly Stage[];

const DESCRIPTION_MAX_CHARS = 300;

/**
 * The description of an upload's episode: the opening of its transcript (whole words, up to 300
 * characters), or, with no transcript, what was uploaded and how long it is.
 */
export function uploadDescription(
  request: UploadJobRequest,
  audio: Pick<AudioArtifact, 'segments' | 'durationSec'>,
): string {
  const text = audio.segments
    .map((s) => s.text)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > 0) {
    if (text.length <= DESCRIPTION_MAX_CHARS) return text;
    const cut = text.slice(0, DESCRIPTION_MAX_CHARS);
    return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
  }
  const totalSec = Math.round(audio.durationSec);
  const minutes = Math.floor(totalSec / 60);
  const seconds = String(totalSec % 60).padStart(2, '0');
  const what = request.upload.filename ? `"${request.upload.filename}"` : 'an audio file';
  return `Uploaded ${what} (${minutes}:${seconds}).`;
}
