// A stage's progress reports, written without holding the stage up and at most every
// `intervalMs`: reports made meanwhile collapse into the latest one, and the stage's start counts
// as a write. A stage done within the interval writes no progress at all (its start and its
// completion already move it), a slow one still shows every step it stays on. Each write (an
// UPDATE, its commit, then an SSE event) also says whether the job is still active.

/** How often a stage's progress reaches the database at most; a person reads no faster. */
export const PROGRESS_WRITE_INTERVAL_MS = 250;

export interface ProgressReport {
  progress: number;
  currentStep?: string;
}

export interface ProgressWriter {
  /**
   * Queues `report` (replacing one not yet written) and returns at once. Throws what an earlier
   * write found: `onInactive()`'s error once the job was no longer active, or the write's error.
   */
  report(report: ProgressReport): void;
  /** Drops a queued report and waits for the write in flight; throws like report(). */
  settle(): Promise<void>;
}

/**
 * `write` stores one report and resolves false when the job is no longer active; `onInactive`
 * makes the error report() then throws.
 */
export function progressWriter(
  write: (report: ProgressReport) => Promise<boolean>,
  onInactive: () => Error,
  intervalMs = PROGRESS_WRITE_INTERVAL_MS,
): ProgressWriter {
  let queued: ProgressReport | undefined;
  let writing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = Date.now(); // the stage's start wrote its progress
  let failure: unknown;

  const check = () => {
    if (failure !== undefined) throw failure;
  };
  const writeQueued = async () => {
    const next = queued;
    queued = undefined;
    if (!next || failure !== undefined) return;
    lastWrite = Date.now();
    try {
      if (!(await write(next))) failure = onInactive();
    } catch (err) {
      failure = err;
    }
  };
  const schedule = () => {
    if (timer || writing || !queued) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        writing = writeQueued().finally(() => {
          writing = undefined;
          schedule();
        });
      },
      Math.max(0, lastWrite + intervalMs - Date.now()),
    );
  };

  return {
    report(report) {
      check();
      queued = report;
      schedule();
    },
    async settle() {
      clearTimeout(timer);
      timer = undefined;
      queued = undefined;
      await writing;
      check();
    },
  };
}
