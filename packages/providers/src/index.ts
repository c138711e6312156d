export * from './types';
export * from './tts';
export * from './sources';
export {
  type AddressClass,
  assertPublicUrl,
  classifyAddress,
  type GuardOptions,
  type HostResolver,
  type ResolvedAddress,
} from './net/ssrf';
export { type SafeFetchOptions, type SafeFetchResponse, safeFetch, trustedFetch } from './net/safe-fetch';
export * from './script';
export * from './storage';
