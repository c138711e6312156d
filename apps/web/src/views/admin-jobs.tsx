import { useEffect, useState } from 'preact/hooks';
import { type Api, problemText, type Schemas } from '../api/client';
import { go } from '../router';
import { Alert, countOf, Field, Page, SearchField, SearchForm, Table } from './parts';

type AdminJob = Schemas['AdminJob'];
type History = Schemas['JobHistory'];
const STATUSES = ['', 'queued', 'running', 'completed', 'failed', 'cancelled'] as const;

/** Jobs across users: search by id, user, status or error code. */
export function AdminJobs({ api }: { api: Api }) {
  const [q, setQ] = useState('');
  const [userId, setUserId] = useState('');
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('');
  const [errorCode, setErrorCode] = useState('');
  const [jobs, setJobs] = useState<AdminJob[] | null>(null);
  const [message, setMessage] = useState('');

  const search = async (e?: Event) => {
    e?.preventDefault();
    setMessage('');
    const { data, error, response } = await api.GET('/v1/admin/jobs', {
      params: {
        query: {
          limit: 50,
          ...(q.trim() ? { q: q.trim() } : {}),
          ...(userId.trim() ? { userId: userId.trim() } : {}),
          ...(status ? { status } : {}),
          ...(errorCode.trim() ? { errorCode: errorCode.trim() } : {}),
        },
      },
    });
    if (data) setJobs(data.items);
    else setMessage(problemText(error, response));
  };
  useEffect(() => {
    void search();
  }, []);

  return (
    <Page id="jobs" title="Jobs">
      <SearchForm onSearch={search}>
        <SearchField id="job-q" label="Job id, e-mail, error or title" value={q} onValue={setQ} />
        <Field id="job-user" label="User id">
          <input id="job-user" value={userId} onInput={(e) => setUserId(e.currentTarget.value)} />
        </Field>
        <Field id="job-error" label="Error code">
          <input id="job-error" value={errorCode} onInput={(e) => setErrorCode(e.currentTarget.value)} />
        </Field>
        <Field id="job-status" label="Status">
          <select
            id="job-status"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as typeof status)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'Any'}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit">Search</button>
      </SearchForm>
      <Alert message={message} />
      {jobs && (
        <div>
          <Table
            caption={countOf(jobs.length, 'job')}
            columns={['Job', 'User', 'Status', 'Error', 'Created']}
          >
            {jobs.map((j) => (
              <tr key={j.id}>
                <td>
                  <a href={`#/admin/jobs/${j.id}`}>{j.id}</a>
                </td>
                <td>{j.userEmail}</td>
                <td>{j.status}</td>
                <td>{j.error?.code ?? ''}</td>
                <td>{new Date(j.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </Page>
  );
}

/** One job: its timeline of events and its stage rows, with retry and cancel. */
export function AdminJob({ api, jobId }: { api: Api; jobId: string }) {
  const [history, setHistory] = useState<History | null>(null);
  const [message, setMessage] = useState('');
  const path = { params: { path: { id: jobId } } };
  const load = async () => {
    const { data, error, response } = await api.GET('/v1/jobs/{id}/history', path);
    if (data) setHistory(data);
    else setMessage(problemText(error, response));
  };
  useEffect(() => {
    void load();
  }, [jobId]);
  const act = async (call: Promise<{ error?: unknown; response: Response }>) => {
    const { error, response } = await call;
    if (response.ok) void load();
    else setMessage(problemText(error, response));
  };

  if (!history) return message ? <Alert message={message} /> : <p aria-busy="true">Loading the job…</p>;
  const { job } = history;
  const start = new Date(job.createdAt).getTime();
  return (
    <section aria-labelledby="job-title" class="stack">
      <p>
        <a href="#/admin/jobs">← All jobs</a>
      </p>
      <h1 id="job-title">
        Job <code>{job.id}</code>
      </h1>
      <p>
        Status <strong>{job.status}</strong> · {job.progress}% · {job.type} · attempts {job.attempts}/
        {job.maxAttempts}
        {job.error && (
          <>
            {' '}
            · error <code>{job.error.code}</code>: {job.error.message}
          </>
        )}
      </p>
      <div class="row">
        {(job.status === 'failed' || job.status === 'cancelled') && (
          <button type="button" onClick={() => void act(api.POST('/v1/jobs/{id}/retry', path))}>
            Retry
          </button>
        )}
        {(job.status === 'queued' || job.status === 'running') && (
          <button type="button" class="secondary" onClick={() => void act(api.DELETE('/v1/jobs/{id}', path))}>
            Cancel
          </button>
        )}
        {job.episodeId && (
          <button type="button" class="secondary" onClick={() => go('episodes', job.episodeId ?? '')}>
            Open the episode
          </button>
        )}
      </div>
      <Alert message={message} />
      <h2>Stages</h2>
      <div>
        <Table
          caption="Stage rows"
          hideCaption
          columns={['Stage', 'Status', 'Attempts', 'Duration', 'Error']}
        >
          {history.stages.map((s) => (
            <tr key={s.stage}>
              <td>{s.stage}</td>
              <td>{s.status}</td>
              <td>{s.attempts}</td>
              <td>{s.durationMs === null ? '' : `${(s.durationMs / 1000).toFixed(2)} s`}</td>
              <td>{s.error ? `${s.error.code}: ${s.error.message}` : ''}</td>
            </tr>
          ))}
        </Table>
      </div>
      <h2>Timeline</h2>
      <ol class="timeline" aria-label="Timeline">
        {history.events.map((e) => (
          <li key={e.id}>
            <span class="time">+{((new Date(e.createdAt).getTime() - start) / 1000).toFixed(2)} s</span>{' '}
            <strong>{e.type}</strong>
            {typeof e.data.stage === 'string' ? ` ${e.data.stage}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
