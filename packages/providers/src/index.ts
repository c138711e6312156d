export * from './types';
export * from './tts';
export * from './sources';
export { assertPublicUrl, classifyAddress, type AddressClass, type GuardOptions, type HostResolver, type ResolvedAddress } from './net/ssrf';
export { safeFetch, trustedFetch, type SafeFetchOptions, type SafeFetchResponse } from './net/safe-fetch';
