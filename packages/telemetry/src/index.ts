export { traceHttpRequest } from './http-server';
export {
  collectProcessMetrics,
  llmTokens,
  METRIC_PREFIX,
  metricsRegistry,
  providerCost,
  providerErrors,
  providerRateLimited,
  providerRequestDuration,
  stageRunDuration,
  ttsCharacters,
  workerJobs,
} from './metrics';
export {
  observeProviderCall,
  type ProviderCall,
  type ProviderKind,
  recordLlmUsage,
  recordTtsCharacters,
  recordTtsCost,
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
