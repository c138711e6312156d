// Test doubles for third-party APIs, for other packages' tests (`@podfleet/providers/testing`).
// Never imported by production code.

export {
  FAKE_ASR_WORDS,
  type FakeTranscription,
  type FakeTranscriptionOptions,
  type FakeTranscriptionReply,
  type FakeUtterance,
  startFakeTranscription,
  type TranscriptionRequestFields,
  toneSpeechPcm,
} from './asr/testing/fake-transcription';
export {
  type DialogueAnswer,
  type DialogueRequestBody,
  type FakeElevenLabs,
  type FakeElevenLabsOptions,
  type FakeElevenLabsReply,
  startFakeElevenLabs,
} from './elevenlabs/testing/fake-elevenlabs';
export {
  type FakeChatReply,
  type FakeOpenAI,
  type FakeOpenAIOptions,
  type FakeSpeechReply,
  fakeOpenAIReplies,
  fakeSpeechPcm,
  OPENAI_VOICES,
  startFakeOpenAI,
} from './openai/testing/fake-openai';
export { type FakeAnthropic, fakeReplies, startFakeAnthropic } from './script/testing/fake-anthropic';
export { richDocuments } from './script/testing/fixtures';
export { type FakeBill, type FakeCongress, startFakeCongress } from './sources/testing/fake-congress';
export { type S3rverHandle, startS3rver } from './storage/testing/s3rver';
