/** A timed line of a transcript, as the audio stage publishes it and clips select from. */
export interface TranscriptSegment {
  speaker: string;
  text: string;
  /** Seconds from the start of the audio; `end` > `start`. */
  start: number;
  end: number;
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  /** The spoken language as ISO 639-1 (`en`; a region such as `en-US` is dropped); unset, detected. */
  language?: string;
}

/** Speech to text for audio without a transcript (uploads). */
export interface AsrProvider {
  readonly name: 'openai';
  /**
   * The file's speech as monotonic, non-overlapping segments (empty for silence). Failures are
   * ProviderErrors: `ASR_FAILED`, `RATE_LIMITED` or `TIMEOUT`, `retryable` when another attempt can help.
   */
  transcribeFile(path: string, options?: TranscribeOptions): Promise<TranscriptSegment[]>;
}
