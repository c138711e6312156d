export { type FakeServer, type RecordedRequest, startHttpServer } from './http-server';
export { makeTempDir } from './temp-dir';
export { waitFor } from './wait-for';
