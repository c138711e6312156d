import { useState } from 'preact/hooks';
import { apiClient, problemText } from '../api/client';
import type { Session } from '../session';

/** Signs in with a key: a user key opens the listener's pages, the admin key the operator's. */
export function SignIn({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const [key, setKey] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setMessage('Enter your API key.');
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      const api = apiClient(trimmed);
      const me = await api.GET('/v1/me');
      if (me.response.status === 200) return onSignedIn({ key: trimmed, role: 'listener' });
      if (me.response.status === 403) {
        // The admin key: /v1/me needs a user key, the operators' routes take it.
        const admin = await api.GET('/v1/queue/stats');
        if (admin.response.ok) return onSignedIn({ key: trimmed, role: 'operator' });
      }
      setMessage(
        me.response.status === 401
          ? 'This API key was not accepted. Check that you copied all of it, or ask for a new one.'
          : problemText(me.error, me.response),
      );
    } catch {
      setMessage('The server could not be reached. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="narrow">
      <h1>Sign in to podfleet</h1>
      <p>Your API key stays in this tab only, and is forgotten when you close it.</p>
      <form onSubmit={submit} class="stack">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          aria-describedby={message ? 'sign-in-error' : undefined}
          aria-invalid={message ? true : undefined}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {message && (
          <p id="sign-in-error" role="alert" class="error">
            {message}
          </p>
        )}
      </form>
    </main>
  );
}
