export {
  type AlertCheck,
  type AlertCondition,
  type AlertReading,
  type AlertSettings,
  checkAlerts,
  MIN_FINISHED_JOBS,
  readAlertConditions,
} from './alerts';
export { asStageFailure, DbUnavailableError, isTransientDbError } from './db-errors';
export { type JobRetentionOptions, type JobRetentionResult, purgeOldJobs } from './job-retention';
export {
  DEFAULT_RECONCILE_GRACE_MS,
  type ReconcileOptions,
  type ReconcileResult,
  reconcile,
  reconcileLockKey,
} from './reconciler';
export { type LockedResult, withRedisLock } from './redis-lock';
export {
  DEFAULT_MAINTENANCE_EVERY_MS,
  ensureMaintenanceSchedulers,
  MAINTENANCE_SCHEDULER_IDS,
  type MaintenanceHandlers,
  type MaintenanceScheduleOptions,
  type MaintenanceTask,
  maintenanceProcessor,
  type WorkerMaintenance,
  type WorkerMaintenanceOptions,
  workerMaintenance,
} from './schedule';
export {
  DEFAULT_STAGE_DEADLINES_MS,
  type SweepOptions,
  type SweepResult,
  sweepLockKey,
  sweepStuckJobs,
} from './sweeper';
