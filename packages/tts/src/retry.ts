// One inline retry for every provider client (the transcription client in @podfleet/providers too).
export { type InlineRetry, retryInPlace } from '@podfleet/providers';
