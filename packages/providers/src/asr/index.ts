import type { AsrConfig } from '@podfleet/config';
import { createOpenAiAsr } from './openai';
import type { AsrProvider } from './types';

export { type AudioChunk, planChunks } from './chunks';
export { createOpenAiAsr, OPENAI_MAX_UPLOAD_BYTES, type OpenAiAsrOptions, whisperLanguage } from './openai';
export { ASR_SPEAKER, type ChunkSegment, type ChunkTranscript, stitchChunks } from './stitch';
export type { AsrProvider, TranscribeOptions, TranscriptSegment } from './types';

/**
 * The speech-to-text provider ASR_PROVIDER names, or null for `none` (uploads without a
 * transcript then stay without one). OPENAI_API_KEY goes only to its own server, never to a
 * separate transcription server.
 */
export function createAsrProvider(config: AsrConfig, ffmpegPath: string): AsrProvider | null {
  if (config.ASR_PROVIDER === 'none') return null;
  const apiKey =
    config.OPENAI_ASR_API_KEY ?? (config.OPENAI_ASR_BASE_URL ? undefined : config.OPENAI_API_KEY);
  return createOpenAiAsr({
    ffmpegPath,
    baseUrl: config.OPENAI_ASR_BASE_URL ?? config.OPENAI_BASE_URL,
    ...(apiKey ? { apiKey } : {}),
    model: config.OPENAI_ASR_MODEL,
    chunkSec: config.OPENAI_ASR_CHUNK_SEC,
    overlapSec: config.OPENAI_ASR_OVERLAP_SEC,
    concurrency: config.OPENAI_ASR_CONCURRENCY,
    timeoutMs: config.OPENAI_ASR_TIMEOUT_MS,
  });
}
