// Receiving an upload: a multipart/form-data body streamed part by part (busboy) into storage,
// never held in memory. The audio is recognised by its first bytes before anything is stored;
// whatever goes wrong (a wrong type, too many bytes, a bad transcript, a client gone mid-stream),
// every object staged for this upload is deleted before the error is thrown.
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { StorageDriver } from '@podfleet/providers';
import busboy from 'busboy';
import { z } from 'zod';
import { SNIFF_BYTES, type SniffedAudio, sniffAudio } from './sniff';
import { parseTranscript, TranscriptError } from './transcript';

export type UploadErrorKind =
  /** Not multipart/form-data, or a form that cannot be read (cut short, malformed): 400. */
  | 'malformed'
  /** The audio (or the transcript) is larger than allowed: 413. */
  | 'too-large'
  /** The audio's bytes are not an accepted format: 415. */
  | 'unsupported-type'
  /** A field is missing or invalid (title, no audio part): 422. */
  | 'invalid'
  /** The transcript cannot be read (the message names the line): 422. */
  | 'invalid-transcript';

export class UploadError extends Error {
  constructor(
    readonly kind: UploadErrorKind,
    message: string,
    /** The form field at fault (`audio`, `transcript`, `title`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface ReceiveUploadOptions {
  storage: StorageDriver;
  /** Where this upload's objects are staged (e.g. `jobs/{jobId}/upload/`); all of them are deleted on failure. */
  keyPrefix: string;
  /** Largest audio file accepted (UPLOAD_MAX_BYTES). */
  maxAudioBytes: number;
  /** Largest transcript file accepted; it is parsed in memory. */
  maxTranscriptBytes: number;
}

/** The stored transcript of an upload (`{keyPrefix}transcript.json`): what the audio stage reads back. */
export const stagedTranscriptSchema = z.object({
  format: z.enum(['vtt', 'srt', 'json']),
  segments: z.array(z.object({ speaker: z.string(), text: z.string(), start: z.number(), end: z.number() })),
  chapters: z.array(z.object({ title: z.string(), startSec: z.number() })),
});
export type StagedTranscript = z.infer<typeof stagedTranscriptSchema>;

export interface ReceivedUpload {
  title: string;
  audio: SniffedAudio & { key: string; sizeBytes: number; checksum: string; filename: string | null };
  transcript: { key: string; format: StagedTranscript['format']; segments: number; chapters: number } | null;
}

const titleSchema = z.string().trim().min(1, 'give the episode a title').max(200, 'at most 200 characters');

/** Reads up to `bytes` from the start of `stream`; fewer only when it ends first. */
async function readHead(stream: AsyncIterator<Buffer>, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const { value, done } = await stream.next();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  return Buffer.concat(chunks);
}

/**
 * Streams a multipart/form-data upload (`audio` file, optional `transcript` file, `title` field)
 * into storage under `keyPrefix`: the audio as it arrives (`audio.{format}`), the transcript
 * parsed and stored as `transcript.json`. Throws UploadError for what the client got wrong, and
 * whatever stopped the body (a client gone mid-stream, storage failing) otherwise; either way no
 * object of this upload is left behind.
 */
export async function receiveUpload(
  body: Readable,
  headers: IncomingHttpHeaders,
  options: ReceiveUploadOptions,
): Promise<ReceivedUpload> {
  try {
    return await receive(body, headers, options);
  } catch (err) {
    // Every object a part put (or was putting: a failed put removes its own partial file).
    await options.storage.deletePrefix(options.keyPrefix).catch(() => {});
    throw err;
  }
}

function receive(
  body: Readable,
  headers: IncomingHttpHeaders,
  options: ReceiveUploadOptions,
): Promise<ReceivedUpload> {
  const { storage, keyPrefix } = options;
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers,
      limits: { fileSize: options.maxAudioBytes, files: 2, fields: 4, fieldSize: 4096, parts: 6 },
    });
  } catch (err) {
    throw new UploadError('malformed', `send the upload as multipart/form-data: ${(err as Error).message}`);
  }

  return new Promise((resolve, reject) => {
    let title: string | undefined;
    let audio: ReceivedUpload['audio'] | null = null;
    let transcript: ReceivedUpload['transcript'] = null;
    let failure: unknown = null;
    const parts: Promise<void>[] = [];
    /** The first failure wins; the body stops flowing into the parser (what is left is discarded). */
    const fail = (err: unknown) => {
      if (failure) return;
      failure = err;
      body.unpipe(parser);
      body.resume();
      parser.destroy();
    };

    const storeAudio = async (file: Readable, filename: string | null) => {
      const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const head = await readHead(chunks, SNIFF_BYTES);
      const sniffed = await sniffAudio(head);
      if (!sniffed.ok) throw new UploadError('unsupported-type', sniffed.reason, 'audio');
      const key = `${keyPrefix}audio.${sniffed.audio.format}`;
      const truncated = () =>
        (file as Readable & { truncated?: boolean }).truncated
          ? new UploadError(
              'too-large',
              `the audio file is larger than ${options.maxAudioBytes} bytes (UPLOAD_MAX_BYTES)`,
              'audio',
            )
          : null;
      const rest = async function* () {
        yield head;
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
        // busboy ends a file at the limit and marks it truncated: the put must fail, not store it.
        const tooLarge = truncated();
        if (tooLarge) throw tooLarge;
      };
      const stored = await storage
        .put(key, Readable.from(rest()), { contentType: sniffed.audio.mime })
        .catch((err: unknown) => {
          // The driver reports a failed body as its own error: say what actually failed.
          throw truncated() ?? err;
        });
      audio = { ...sniffed.audio, key, sizeBytes: stored.sizeBytes, checksum: stored.checksum, filename };
    };

    const storeTranscript = async (file: Readable) => {
      const chunks: Buffer[] = [];
      let length = 0;
      for await (const chunk of file as AsyncIterable<Buffer>) {
        length += chunk.length;
        if (length > options.maxTranscriptBytes) {
          throw new UploadError(
            'too-large',
            `the transcript is larger than ${options.maxTranscriptBytes} bytes`,
            'transcript',
          );
        }
        chunks.push(chunk);
      }
      let parsed: ReturnType<typeof parseTranscript>;
      try {
        parsed = parseTranscript(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch (err) {
        if (err instanceof TranscriptError)
          throw new UploadError('invalid-transcript', err.message, 'transcript');
        if (err instanceof TypeError) {
          throw new UploadError('invalid-transcript', 'the transcript is not UTF-8 text', 'transcript');
        }
        throw err;
      }
      const key = `${keyPrefix}transcript.json`;
      const document: StagedTranscript = parsed;
      await storage.put(key, Buffer.from(JSON.stringify(document)), { contentType: 'application/json' });
      transcript = {
        key,
        format: parsed.format,
        segments: parsed.segments.length,
        chapters: parsed.chapters.length,
      };
    };

    parser.on('field', (name, value, info) => {
      if (name !== 'title') return; // unknown fields are ignored, like unknown JSON members elsewhere
      if (info.valueTruncated) fail(new UploadError('invalid', 'the title is too long', 'title'));
      else title = value;
    });
    // Counted as parts arrive: an earlier part may still be finishing its write.
    const filesSeen = new Set<string>();
    parser.on('file', (name, file, info) => {
      // A file stream ends in error when the form is destroyed under it: its reader (if any) sees
      // that, and an unread one (a refused part) must not raise it unheard.
      file.on('error', () => {});
      const repeated = filesSeen.has(name);
      filesSeen.add(name);
      const part = repeated
        ? Promise.reject(new UploadError('invalid', `send one "${name}" file`, name))
        : name === 'audio'
          ? storeAudio(file, info.filename ?? null)
          : name === 'transcript'
            ? storeTranscript(file)
            : Promise.reject(
                new UploadError('invalid', `unexpected file field "${name}" (audio, transcript)`, name),
              );
      // A part that stopped reading must not hold up the rest of the form.
      const settled = part.catch((err: unknown) => {
        file.resume();
        fail(err);
      });
      parts.push(settled);
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      parser.on(limit, () =>
        fail(new UploadError('invalid', 'too many parts: send audio, transcript and title')),
      );
    }
    parser.on('error', (err: Error) =>
      fail(new UploadError('malformed', `the form cannot be read: ${err.message}`)),
    );
    // A body that stops early (the client went away) fails the file being stored through busboy.
    const gone = () => fail(new Error('the client closed the connection mid-upload'));
    body.on('error', gone);
    body.on('aborted', gone);
    body.on('close', () => {
      if (!body.readableEnded) gone();
    });

    // Settles once the parser is done (or destroyed) and every part it started has settled, so
    // the caller's clean-up sees every object this upload staged.
    let settling = false;
    parser.on('close', async () => {
      if (settling) return;
      settling = true;
      await Promise.all(parts);
      const titled = titleSchema.safeParse(title ?? '');
      if (failure) reject(failure);
      else if (!audio) reject(new UploadError('invalid', 'the form has no "audio" file', 'audio'));
      else if (!titled.success) reject(new UploadError('invalid', titled.error.issues[0]!.message, 'title'));
      else resolve({ title: titled.data, audio, transcript });
    });
    body.pipe(parser);
  });
}
