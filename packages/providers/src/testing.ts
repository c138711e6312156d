// Test doubles for third-party APIs, for other packages' tests (`@podfleet/providers/testing`).
// Never imported by production code.
export { type FakeAnthropic, fakeReplies, startFakeAnthropic } from './script/testing/fake-anthropic';
export { richDocuments } from './script/testing/fixtures';
export { type FakeBill, type FakeCongress, startFakeCongress } from './sources/testing/fake-congress';
export { type S3rverHandle, startS3rver } from './storage/testing/s3rver';
