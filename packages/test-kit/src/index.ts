export { startHttpServer, type FakeServer, type RecordedRequest } from './http-server';
export { waitFor } from './wait-for';
export { makeTempDir } from './temp-dir';
