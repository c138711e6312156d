import { useEffect, useState } from 'preact/hooks';
import { type Api, type Episode, problemText } from '../api/client';
import { clock } from '../transcript';
import { Alert, countOf, Field, Page, SearchField, Status } from './parts';

/** Past episodes (search by title, filter by kind) and the private feed URL. */
export function Library({ api }: { api: Api }) {
  const [episodes, setEpisodes] = useState<Episode[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState('');
  const [feedUrl, setFeedUrl] = useState('');
  const [status, setStatus] = useState('');
  const [message, setMessage] = useState('');

  const load = async (after: string | null) => {
    const { data, error, response } = await api.GET('/v1/episodes', {
      params: { query: { limit: 50, ...(after ? { cursor: after } : {}) } },
    });
    if (!data) return setMessage(problemText(error, response));
    setEpisodes((prev) => (after ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  };
  useEffect(() => {
    void load(null);
    void api.GET('/v1/me').then(({ data }) => data && setFeedUrl(data.feedUrl));
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(feedUrl);
      setStatus('Feed URL copied.');
    } catch {
      setStatus('Could not copy: select the address below and copy it yourself.');
    }
  };

  const q = query.trim().toLowerCase();
  const shown = episodes.filter(
    (e) => (!kind || e.type === kind) && (!q || e.title.toLowerCase().includes(q)),
  );
  return (
    <Page id="library" title="Library">
      <div class="card stack">
        <h2>Your private feed</h2>
        <p>
          Add it to your podcast app as a show “by URL” (in Apple Podcasts: Library, then Follow a Show by
          URL) to get every new episode there.
        </p>
        <div class="row">
          <input aria-label="Feed URL" readOnly value={feedUrl} class="grow" />
          <button type="button" disabled={!feedUrl} onClick={() => void copy()}>
            Copy feed URL
          </button>
        </div>
        <Status text={status} />
      </div>
      <div class="row">
        <SearchField id="search" label="Search by title" value={query} onValue={setQuery} />
        <Field id="kind" label="Kind">
          <select id="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">All</option>
            <option value="custom">Custom</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
          </select>
        </Field>
      </div>
      <Alert message={message} />
      <p class="muted" aria-live="polite">
        {countOf(shown.length, 'episode')}
      </p>
      <ul class="episodes">
        {shown.map((e) => (
          <li key={e.id} class="card">
            <a href={`#/episodes/${e.id}`}>{e.title}</a>
            <span class="muted">
              {' '}
              {e.type} · {clock(e.durationSec)} · {new Date(e.createdAt).toLocaleDateString()}
            </span>
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" class="secondary" onClick={() => void load(cursor)}>
          More episodes
        </button>
      )}
    </Page>
  );
}
