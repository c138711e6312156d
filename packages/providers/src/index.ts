export * from './asr';
export { mapLimit, settle } from './concurrency';
export {
  bestLanguageMatch,
  type LanguageStore,
  languageMatches,
  publishWriterLanguages,
  readWriterLanguages,
  type WriterLanguages,
  writerLanguagesKey,
  writerLanguagesSchema,
} from './languages';
export { type InlineRetry, retryInPlace } from './net/retry';
export { parseRetryAfter } from './net/retry-after';
export { type SafeFetchOptions, type SafeFetchResponse, safeFetch, trustedFetch } from './net/safe-fetch';
export {
  type AddressClass,
  assertPublicUrl,
  classifyAddress,
  ForbiddenAddressError,
  type GuardOptions,
  type HostResolver,
  type ResolvedAddress,
} from './net/ssrf';
export {
  DEFAULT_OPENAI_BASE_URL,
  openAiHeaders,
  openAiHttpError,
  openAiTransportError,
  openAiUrl,
} from './openai/http';
export * from './script';
export * from './sources';
export * from './storage';
export * from './types';
export {
  publishVoiceList,
  readVoiceList,
  unknownVoices,
  unspokenLanguage,
  type VoiceInfo,
  type VoiceList,
  type VoiceStore,
  voiceLanguageMismatches,
  voiceListKey,
  voiceListSchema,
} from './voices';
