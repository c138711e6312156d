// Follows a job's Server-Sent Events with fetch (EventSource cannot send an Authorization header).
// A dropped connection is reopened after a pause; the stream starts with the job's current state,
// so nothing is missed. Ends with the terminal event (completed, failed, cancelled).
import { createParser } from 'eventsource-parser';
import type { JobProgress } from './stages';

export interface StreamHandlers {
  onProgress(progress: JobProgress): void;
  /** The terminal event's data: the job. */
  onEnd(
    job: JobProgress & { episodeId?: string | null; error?: { code: string; message: string } | null },
  ): void;
  /** Connection state for the page: live, or reconnecting after a drop. */
  onConnection(state: 'live' | 'reconnecting'): void;
  onError(message: string): void;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const RECONNECT_MS = 1000;

export function followJob(jobId: string, key: string, handlers: StreamHandlers): () => void {
  const abort = new AbortController();
  let ended = false;

  const connect = async (): Promise<void> => {
    const res = await fetch(`/v1/jobs/${encodeURIComponent(jobId)}/events`, {
      headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) {
      const problem = (await res.json().catch(() => null)) as { detail?: string } | null;
      // Too many open streams (429) or a replica without Redis (503) pass: try again later.
      const retryAfterSec = Number(res.headers.get('Retry-After'));
      throw Object.assign(new Error(problem?.detail ?? `events: ${res.status}`), {
        fatal: res.status < 500 && res.status !== 429,
        retryAfterMs:
          Number.isFinite(retryAfterSec) && retryAfterSec > 0 ? retryAfterSec * 1000 : RECONNECT_MS,
      });
    }
    handlers.onConnection('live');
    const parser = createParser({
      onEvent(event) {
        const data = JSON.parse(event.data) as JobProgress;
        if (event.event && TERMINAL.has(event.event)) {
          ended = true;
          handlers.onEnd(data);
        } else handlers.onProgress(data);
      },
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  };

  void (async () => {
    while (!ended && !abort.signal.aborted) {
      let pauseMs = RECONNECT_MS;
      try {
        await connect();
      } catch (err) {
        if (abort.signal.aborted) return;
        const failure = err as Error & { fatal?: boolean; retryAfterMs?: number };
        if (failure.fatal) {
          handlers.onError(failure.message);
          return;
        }
        pauseMs = failure.retryAfterMs ?? RECONNECT_MS;
      }
      if (ended || abort.signal.aborted) return;
      handlers.onConnection('reconnecting');
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return () => abort.abort();
}
