// A stage's progress reports, written without holding the stage up: at most one write in flight,
// and reports made meanwhile collapse into the latest one, written when that write returns. A
// fast stage then pays one write (and one commit) instead of one per report, and a slow one still
// shows every step it stays on. Each write also says whether the job is still active.

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
): ProgressWriter {
  let queued: ProgressReport | undefined;
  let inFlight: Promise<void> | undefined;
  let failure: unknown;

  const check = () => {
    if (failure !== undefined) throw failure;
  };
  const drain = async (): Promise<void> => {
    while (queued && failure === undefined) {
      const next = queued;
      queued = undefined;
      try {
        if (!(await write(next))) failure = onInactive();
      } catch (err) {
        failure = err;
      }
    }
    inFlight = undefined;
  };

  return {
    report(report) {
      check();
      queued = report;
      inFlight ??= drain();
    },
    async settle() {
      queued = undefined;
      await inFlight;
      check();
    },
  };
}
