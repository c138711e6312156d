export { traceHttpRequest } from './http-server';
export {
  collectProcessMetrics,
  METRIC_PREFIX,
  metricsRegistry,
  stageRunDuration,
  workerJobs,
} from './metrics';
export {
  llmTokens,
  observeProviderCall,
  type ProviderCall,
  type ProviderKind,
  providerCost,
  providerErrors,
  providerRateLimited,
  providerRequestDuration,
  recordLlmUsage,
  recordTtsCharacters,
  recordTtsCost,
  ttsCharacters,
} from './provider-calls';
export {
  type Attributes,
  contextFromTraceparent,
  currentTraceparent,
  inNewTrace,
  type Span,
  SpanKind,
  type SpanOptions,
  setActiveSpanAttributes,
  traceLogFields,
  withSpan,
} from './spans';
export { startTracing, type Tracing, type TracingOptions, tracesUrl } from './tracing';
