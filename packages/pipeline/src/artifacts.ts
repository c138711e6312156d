// A job's artifacts in storage: where each one lives, its checksum, and one zod schema per JSON
// artifact, read and written only through here. It imports nothing local, so any module of the
// pipeline (and the stages of other packages) can use it without an import cycle.
import { createHash } from 'node:crypto';
import { type StorageDriver, scriptDocumentSchema, sourceDocumentSchema } from '@podfleet/providers';
import { z } from 'zod';

/** Storage key of a job artifact, e.g. `jobs/{jobId}/script.json`. */
export const artifactKeyFor = (jobId: string, name: string) => `jobs/${jobId}/${name}`;

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A stored artifact as a stage records it: its key and the sha256 of its bytes. */
export interface StageArtifact {
  key: string;
  checksum: string;
}

const transcriptSegmentSchema = z.object({
  speaker: z.string(),
  text: z.string(),
  start: z.number(),
  end: z.number(),
});
const chapterMarkSchema = z.object({ title: z.string(), startSec: z.number() });

/** `sources.json` (scrape): the documents the script is written from. */
export const sourcesArtifactSchema = z.object({ documents: z.array(sourceDocumentSchema).min(1) });
export type SourcesArtifact = z.infer<typeof sourcesArtifactSchema>;

/** `audio.json` (audio): what the upload stage needs besides the MP3. */
export const audioArtifactSchema = z.object({
  audioKey: z.string(),
  durationSec: z.number(),
  sizeBytes: z.number().int(),
  segments: z.array(transcriptSegmentSchema),
  chapters: z.array(chapterMarkSchema),
  /** What the real audio stage measured (for the record; nothing reads it back). */
  loudness: z
    .object({
      integratedLufs: z.number(),
      truePeakDb: z.number(),
      measuredOn: z.enum(['mp3', 'pcm']),
    })
    .optional(),
  characters: z.number().int().optional(),
});
export type AudioArtifact = z.infer<typeof audioArtifactSchema>;

/** `transcript.json` (upload): the timed transcript published beside the episode. */
export const transcriptArtifactSchema = z.object({
  segments: z.array(transcriptSegmentSchema),
  chapters: z.array(chapterMarkSchema),
});

/**
 * `clips.json` (clips): the windows a clips job chose, best first, each with the id its Clip row
 * and media take, so a retry renders the same clips and skips those already stored.
 */
export const clipsArtifactSchema = z.object({
  clips: z.array(
    z.object({
      id: z.string(),
      startSec: z.number(),
      endSec: z.number(),
      durationSec: z.number(),
      title: z.string(),
      text: z.string(),
      score: z.number(),
      confidence: z.enum(['high', 'medium', 'low']),
      /** The selection's explanation of the score (SelectedClip.features). */
      features: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type ClipsArtifact = z.infer<typeof clipsArtifactSchema>;

/** The JSON artifacts by kind: file name and schema. */
const jsonArtifacts = {
  sources: { name: 'sources.json', schema: sourcesArtifactSchema },
  script: { name: 'script.json', schema: scriptDocumentSchema },
  audio: { name: 'audio.json', schema: audioArtifactSchema },
  transcript: { name: 'transcript.json', schema: transcriptArtifactSchema },
  clips: { name: 'clips.json', schema: clipsArtifactSchema },
} as const;

export type JsonArtifactKind = keyof typeof jsonArtifacts;
export type JsonArtifact<K extends JsonArtifactKind> = z.infer<(typeof jsonArtifacts)[K]['schema']>;

/** Storage key of one of a job's JSON artifacts. */
export const jsonArtifactKey = (jobId: string, kind: JsonArtifactKind) =>
  artifactKeyFor(jobId, jsonArtifacts[kind].name);

/** Reads one of a job's JSON artifacts and checks it against its schema. */
export async function readArtifact<K extends JsonArtifactKind>(
  { storage }: { storage: StorageDriver },
  jobId: string,
  kind: K,
): Promise<JsonArtifact<K>> {
  const body = await storage.getBuffer(jsonArtifactKey(jobId, kind));
  return jsonArtifacts[kind].schema.parse(JSON.parse(body.toString('utf8'))) as JsonArtifact<K>;
}

/** Writes one of a job's JSON artifacts; returns its key and checksum. */
export async function writeArtifact<K extends JsonArtifactKind>(
  { storage }: { storage: StorageDriver },
  jobId: string,
  kind: K,
  value: JsonArtifact<K>,
): Promise<StageArtifact> {
  const key = jsonArtifactKey(jobId, kind);
  const { checksum } = await storage.put(key, Buffer.from(JSON.stringify(value)), {
    contentType: 'application/json',
  });
  return { key, checksum };
}
