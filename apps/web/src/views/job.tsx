import { useEffect, useState } from 'preact/hooks';
import { type Api, problemText } from '../api/client';
import { followJob } from '../job-stream';
import { go } from '../router';
import { isFinished, type JobProgress, stageText } from '../stages';
import { Alert, Page } from './parts';

type JobState = JobProgress & { episodeId?: string | null; error?: { code: string; message: string } | null };

/** A job being made: a progress bar fed by its event stream, with cancel and retry. */
export function JobView({ api, apiKey, jobId }: { api: Api; apiKey: string; jobId: string }) {
  const [job, setJob] = useState<JobState | null>(null);
  const [connection, setConnection] = useState<'live' | 'reconnecting'>('live');
  const [message, setMessage] = useState('');
  const [run, setRun] = useState(0);

  useEffect(() => {
    setMessage('');
    return followJob(jobId, apiKey, {
      // Never backwards: a late event of an earlier connection must not move the bar back.
      onProgress: (p) =>
        setJob((prev) => (prev && prev.status === p.status && prev.progress > p.progress ? prev : p)),
      onEnd: (end) => {
        setJob(end);
        if (end.status === 'completed' && end.episodeId) go('episodes', end.episodeId);
      },
      onConnection: setConnection,
      onError: setMessage,
    });
  }, [jobId, apiKey, run]);

  const cancel = async () => {
    const { data, error, response } = await api.DELETE('/v1/jobs/{id}', { params: { path: { id: jobId } } });
    if (data) setJob(data);
    else setMessage(problemText(error, response));
  };
  const retry = async () => {
    const { data, error, response } = await api.POST('/v1/jobs/{id}/retry', {
      params: { path: { id: jobId } },
    });
    if (data) {
      setJob(data);
      setRun(run + 1);
    } else setMessage(problemText(error, response));
  };

  const progress = job?.status === 'completed' ? 100 : (job?.progress ?? 0);
  const text = job ? stageText(job) : 'Connecting…';
  return (
    <Page id="job" title="Making your episode">
      <div class="card stack">
        <p id="stage" class="stage">
          {text}
        </p>
        <div
          class="progress"
          role="progressbar"
          aria-labelledby="stage"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={progress}
          aria-valuetext={`${progress}%: ${text}`}
        >
          <div class="fill" style={{ width: `${progress}%` }} />
        </div>
        <p class="muted">
          {progress}% · job <code>{jobId}</code>
          {connection === 'reconnecting' && !isFinished(job?.status ?? '')
            ? ' · connection lost, reconnecting…'
            : ''}
        </p>
        {job?.error && (
          <p role="alert" class="error">
            {job.error.message} ({job.error.code})
          </p>
        )}
        <Alert message={message} />
        <div class="row">
          {job && !isFinished(job.status) && (
            <button type="button" class="secondary" onClick={() => void cancel()}>
              Cancel
            </button>
          )}
          {job && (job.status === 'failed' || job.status === 'cancelled') && (
            <button type="button" onClick={() => void retry()}>
              Retry
            </button>
          )}
          {job?.status === 'completed' && job.episodeId && <a href={`#/episodes/${job.episodeId}`}>Listen</a>}
        </div>
      </div>
    </Page>
  );
}
