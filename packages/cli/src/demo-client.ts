// The demo's HTTP client: creates a user, submits the sample episode and follows it live.
import { sampleEpisodeSources } from '@podfleet/providers';
import { UserFacingError } from './environment';
import { readSse } from './sse';

interface JobState {
  status: string;
  phase: string | null;
  progress: number;
  currentStep: string | null;
  error?: { code: string; message: string } | null;
  episodeId?: string | null;
}

export interface DemoEpisode {
  id: string;
  title: string;
  durationSec: number;
  audioUrl: string;
  transcriptUrl: string;
}

async function call<T>(baseUrl: string, path: string, init: RequestInit & { key: string }): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${init.key}`, 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  if (!response.ok)
    throw new UserFacingError(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A progress bar on a terminal, one line per phase change otherwise. */
export function progressRenderer(stream: NodeJS.WriteStream) {
  let lastPhase: string | null = null;
  return {
    update(state: JobState) {
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round((state.progress / 100) * width);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
        const step = (state.currentStep ?? '').slice(0, Math.max(0, (stream.columns ?? 100) - width - 22));
        stream.write(
          `\r\x1b[2K${bar} ${String(state.progress).padStart(3)}% ${state.phase ?? state.status}: ${step}`,
        );
      } else if (state.phase !== lastPhase) {
        stream.write(`${String(state.progress).padStart(3)}% ${state.phase ?? state.status}\n`);
      }
      lastPhase = state.phase;
    },
    end() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

export async function generateSampleEpisode({
  baseUrl,
  adminKey,
  targetMinutes,
  progress,
}: {
  baseUrl: string;
  adminKey: string;
  targetMinutes: number;
  progress: ReturnType<typeof progressRenderer>;
}): Promise<DemoEpisode & { listenerKey: string }> {
  const { apiKey } = await call<{ apiKey: { key: string } | string }>(baseUrl, '/v1/users', {
    method: 'POST',
    key: adminKey,
    body: JSON.stringify({ email: `demo+${Date.now()}@podfleet.local`, name: 'Demo listener' }),
  });
  const key = typeof apiKey === 'string' ? apiKey : apiKey.key;
  const ticket = await call<{ jobId: string; eventsUrl: string }>(baseUrl, '/v1/episodes', {
    method: 'POST',
    key,
    body: JSON.stringify({
      type: 'custom',
      sources: sampleEpisodeSources(baseUrl),
      style: { hosts: [{ name: 'Maya' }, { name: 'Theo' }], targetMinutes },
    }),
  });
  const events = await fetch(new URL(ticket.eventsUrl, baseUrl), {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!events.ok || !events.body)
    throw new UserFacingError(`GET ${ticket.eventsUrl} answered ${events.status}`);
  let final: JobState | undefined;
  for await (const event of readSse(events.body)) {
    const state = JSON.parse(event.data) as JobState;
    progress.update(state);
    if (['completed', 'failed', 'cancelled'].includes(event.event)) {
      final = state;
      break;
    }
  }
  progress.end();
  if (final?.status !== 'completed') {
    const why = final?.error ? `${final.error.code}: ${final.error.message}` : 'the event stream ended early';
    throw new UserFacingError(`the sample episode did not complete (${why}); see the logs above`);
  }
  const job = await call<{ episodeId: string }>(baseUrl, `/v1/jobs/${ticket.jobId}`, { key });
  // The listener's key too: the demo prints it to sign in to the web app.
  return {
    ...(await call<DemoEpisode>(baseUrl, `/v1/episodes/${job.episodeId}`, { key })),
    listenerKey: key,
  };
}
