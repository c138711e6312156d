// @podfleet/pregeneration: today's episode ready before the user asks. Targeting and batched
// low-priority runs, the fleet's scheduler, the daily/weekly episode cache, podcast feeds and the
// show settings behind them, retention and quota, and the numbers /v1/stats and /metrics show
// about them.

export {
  ARCHIVE_PREFIX,
  type ArchiveCounts,
  archiveCutoff,
  archiveExpired,
  archiveKeyOf,
  purgeExpired,
  type RestoreOptions,
  type RestoreOutcome,
  removeUnreferencedArchive,
  restoreClip,
  restoreEpisode,
} from './archive';
export {
  type CacheCounters,
  type CachedAnswer,
  type CachedEpisode,
  type CacheSource,
  cacheCounterKey,
  cacheRedisKey,
  invalidateEpisodeCache,
  readCacheCounters,
  readEpisodeCache,
  warmEpisodeCache,
  writeEpisodeCache,
} from './cache';
export {
  DeliveryLog,
  type DeliveryLogOptions,
  type DeliverySource,
  type EpisodeDelivery,
} from './delivery-log';
export { buildPodcastFeed, type EpisodeMediaUrls, type PodcastFeedInput } from './feed';
export { wholeSentences } from './feed-text';
export { type FeedValidators, feedValidators } from './feed-version';
export {
  costPerUserPerDay,
  listPregenerationRuns,
  type PregenerationOutcomes,
  type PregenerationSummary,
  pregenerationOutcomes,
  recordPregenerationRun,
  type StoredRun,
  type TimeToFirstAudio,
  timeToFirstAudio,
  type UserDayCost,
} from './metrics';
export { isoWeekday, periodEnd } from './period';
export {
  type EpisodeRequestInput,
  findPartialScript,
  type GeneratedEpisode,
  generateEpisode,
  type PartialScript,
} from './request';
export {
  archiveOptions,
  type CleanupOptions,
  type CleanupResult,
  cleanupExpired,
  type QuotaStatus,
  quotaStatus,
  retentionCleanup,
  storageUsedByUser,
} from './retention';
export { pregeneratedInFlight, type RunOptions, runPregeneration } from './run';
export {
  ensurePregenerationScheduler,
  PREGENERATION_SCHEDULER_ID,
  type PregenerateProcessorOptions,
  type PregenerationCron,
  parsePregenerateCron,
  pregenerateProcessor,
} from './scheduler';
export {
  PODCAST_CATEGORIES,
  podcastGuid,
  resolveShow,
  type ShowSettings,
  type ShowSettingsColumns,
  type ShowUpdate,
  showUpdateData,
  showUpdateSchema,
} from './show';
export {
  checkStorageRoom,
  STORAGE_KINDS,
  type StorageBytes,
  type StorageKind,
  type StorageLimits,
  type StorageRefusal,
  type StorageRoom,
  type StorageUsage,
  storageUsage,
} from './storage-usage';
export {
  type ActivityRule,
  cacheKeysAlreadyGenerated,
  DEFAULT_ACTIVITY,
  dueKinds,
  isActive,
  type PregenerationMode,
  type PregenerationTarget,
  SKIP_REASONS,
  type SkippedUser,
  type SkipReason,
  selectPregenerationTargets,
  type TargetingOptions,
  type TargetSelection,
} from './targeting';
