export {
  addJob,
  assertRedisReady,
  checkNoEviction,
  closeQueues,
  createFlowProducer,
  createQueues,
  createRedis,
  deleteKeysWithPrefix,
  type QueueSet,
  queueOptions,
  type RedisRole,
  RedisUnavailableError,
  whenRedisReady,
} from './connection';
export {
  formatFailedReason,
  type JobError,
  MAX_RETRY_AFTER_MS,
  parseFailedReason,
  RetryableJobError,
  retryAfterBackoff,
  toBullMQError,
  toJobError,
  withJobErrors,
} from './errors';
export {
  type JobEvent,
  jobEventChannel,
  jobEventSchema,
  publishJobEvent,
  subscribeJobEvents,
} from './events';
export {
  buildEpisodeFlow,
  type EpisodeFlowArgs,
  type EpisodePriority,
  enqueueEpisodeFlow,
  flowStages,
  PRIORITY_LEVELS,
  type RemovedFlow,
  removeEpisodeFlow,
  stageJobId,
} from './flow';
export { createLogger, type Logger, type LoggerOptions, REDACT_PATHS } from './logger';
export {
  InvalidPayloadError,
  isQueueName,
  jobOptionsFor,
  type MaintenancePayload,
  maintenancePayloadSchema,
  type PayloadOf,
  PROGRESS_BANDS,
  type PregeneratePayload,
  parsePayload,
  pregeneratePayloadSchema,
  QUEUE_NAMES,
  QUEUES,
  type QueueDefinition,
  type QueueName,
  RETRY_AFTER_BACKOFF,
  STAGE_ORDER,
  STAGES,
  type StageName,
  type StagePayload,
  stagePayloadSchema,
  stageProgress,
  type WebhookPayload,
  webhookPayloadSchema,
} from './queues';
export { REDACTED, redactSecrets, redactString } from './redact';
export { RedisScript } from './scripts';
export { settlesWithin } from './settles-within';
export {
  finishedWithin,
  type MetricsSeries,
  queueThroughput,
  THROUGHPUT_MINUTES,
  type Throughput,
} from './throughput';
export type {
  EventLoopCheck,
  HealthStatus,
  LivenessReport,
  ReadinessReport,
  RedisCheck,
  ShutdownCheck,
  WorkerState,
  WorkersCheck,
} from './worker-health';
export {
  installSignalHandlers,
  isFinalFailure,
  type ProcessorContext,
  type ProcessorMap,
  type QueueProcessor,
  ShutdownError,
  type SignalHandlerOptions,
  type StartWorkersOptions,
  startWorkers,
  type WorkerRuntime,
} from './worker-runtime';
