export { type FakeServer, type RecordedRequest, startHttpServer } from './http-server';
export { type PgRelay, type PgRelayOptions, startPgRelay } from './pg-relay';
export { makeTempDir } from './temp-dir';
export { waitFor } from './wait-for';
