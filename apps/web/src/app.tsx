import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiClient } from './api/client';
import { go, useRoute } from './router';
import { loadSession, type Session, saveSession } from './session';
import { AdminFleet } from './views/admin-fleet';
import { AdminJob, AdminJobs } from './views/admin-jobs';
import { AdminUsers } from './views/admin-users';
import { CreateEpisode } from './views/create';
import { EpisodeView } from './views/episode';
import { JobView } from './views/job';
import { Library } from './views/library';
import { Settings } from './views/settings';
import { SignIn } from './views/sign-in';

const LISTENER_NAV = [
  ['create', 'Create'],
  ['library', 'Library'],
  ['settings', 'Settings'],
] as const;
const OPERATOR_NAV = [
  ['admin', 'jobs', 'Jobs'],
  ['admin', 'fleet', 'Fleet'],
  ['admin', 'users', 'Users'],
] as const;

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const route = useRoute();
  const here = route.join('/');
  // A new view: move focus to it, so keyboard and screen-reader users start there.
  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [here]);
  const signIn = (next: Session) => {
    saveSession(next);
    setSession(next);
    if (!location.hash || location.hash === '#/')
      go(...(next.role === 'operator' ? ['admin', 'jobs'] : ['create']));
  };
  if (!session) return <SignIn onSignedIn={signIn} />;

  const api = apiClient(session.key);
  const nav: ReadonlyArray<readonly string[]> = session.role === 'operator' ? OPERATOR_NAV : LISTENER_NAV;
  const [first = session.role === 'operator' ? 'admin' : 'create', second, third] = route;
  let view: JSX.Element;
  if (first === 'jobs' && second) view = <JobView api={api} apiKey={session.key} jobId={second} />;
  else if (first === 'episodes' && second) view = <EpisodeView api={api} episodeId={second} />;
  else if (first === 'library') view = <Library api={api} />;
  else if (first === 'settings') view = <Settings api={api} />;
  else if (first === 'admin' && second === 'jobs' && third) view = <AdminJob api={api} jobId={third} />;
  else if (first === 'admin' && second === 'fleet') view = <AdminFleet api={api} />;
  else if (first === 'admin' && second === 'users') view = <AdminUsers api={api} />;
  else if (first === 'admin') view = <AdminJobs api={api} />;
  else view = <CreateEpisode api={api} />;

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="bar">
        <span class="brand">podfleet</span>
        <nav aria-label="Main">
          {nav.map((item) => {
            const path = item.slice(0, -1).join('/');
            return (
              <a key={path} href={`#/${path}`} aria-current={here.startsWith(path) ? 'page' : undefined}>
                {item.at(-1)}
              </a>
            );
          })}
          <a href="/docs">API reference</a>
        </nav>
        <button
          type="button"
          class="quiet"
          onClick={() => {
            saveSession(null);
            setSession(null);
            location.hash = '';
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {view}
      </main>
    </>
  );
}
