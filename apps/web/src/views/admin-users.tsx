import { useState } from 'preact/hooks';
import { type Api, problemText, type Schemas } from '../api/client';

/** Create a user (their first key is shown once) and look one up by id. */
export function AdminUsers({ api }: { api: Api }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Schemas['CreatedUser'] | null>(null);
  const [lookupId, setLookupId] = useState('');
  const [found, setFound] = useState<Schemas['AdminUser'] | null>(null);
  const [message, setMessage] = useState('');

  const create = async (e: Event) => {
    e.preventDefault();
    setMessage('');
    const { data, error, response } = await api.POST('/v1/users', {
      body: { email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}) },
    });
    if (data) setCreated(data);
    else setMessage(problemText(error, response));
  };
  const lookup = async (e: Event) => {
    e.preventDefault();
    setMessage('');
    const { data, error, response } = await api.GET('/v1/users/{id}', {
      params: { path: { id: lookupId.trim() } },
    });
    setFound(data ?? null);
    if (!data) setMessage(problemText(error, response));
  };

  return (
    <section aria-labelledby="users-title" class="stack">
      <h1 id="users-title">Users</h1>
      <form class="card stack" onSubmit={create}>
        <h2>New user</h2>
        <label for="user-email">E-mail</label>
        <input
          id="user-email"
          type="email"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="user-name">Name</label>
        <input id="user-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit">Create user</button>
        {created && (
          <p role="status">
            Created {created.user.email} (<code>{created.user.id}</code>). Their API key, shown once:{' '}
            <code>{created.apiKey}</code>
          </p>
        )}
      </form>
      <form class="card stack" onSubmit={lookup}>
        <h2>Find a user</h2>
        <label for="user-id">User id</label>
        <input id="user-id" required value={lookupId} onInput={(e) => setLookupId(e.currentTarget.value)} />
        <button type="submit">Find</button>
        {found && (
          <dl>
            <dt>E-mail</dt>
            <dd>{found.user.email}</dd>
            <dt>Episodes</dt>
            <dd>{found.user.episodesGenerated}</dd>
            <dt>Storage</dt>
            <dd>
              {(found.storage.usedBytes / 1e6).toFixed(1)} MB of{' '}
              {found.storage.quotaBytes ? `${(found.storage.quotaBytes / 1e6).toFixed(0)} MB` : 'unlimited'}
            </dd>
          </dl>
        )}
      </form>
      {message && (
        <p role="alert" class="error">
          {message}
        </p>
      )}
    </section>
  );
}
