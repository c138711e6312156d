import { useEffect, useState } from 'preact/hooks';
import { type Api, problemText, type Schemas } from '../api/client';

type User = Schemas['User'];
type Key = Schemas['ApiKey'];

/** Users: find them by e-mail, create one (their first key shown once), see a user's key prefixes and revoke a key. */
export function AdminUsers({ api }: { api: Api }) {
  const [q, setQ] = useState('');
  const [users, setUsers] = useState<User[]>([]);
  const [selected, setSelected] = useState<User | null>(null);
  const [keys, setKeys] = useState<Key[]>([]);
  const [email, setEmail] = useState('');
  const [created, setCreated] = useState<Schemas['CreatedUser'] | null>(null);
  const [status, setStatus] = useState('');
  const [message, setMessage] = useState('');

  const search = async (e?: Event) => {
    e?.preventDefault();
    setMessage('');
    const { data, error, response } = await api.GET('/v1/users', {
      params: { query: { limit: 50, ...(q.trim() ? { q: q.trim() } : {}) } },
    });
    if (data) setUsers(data.items);
    else setMessage(problemText(error, response));
  };
  useEffect(() => {
    void search();
  }, []);

  const open = async (user: User) => {
    setSelected(user);
    const { data, error, response } = await api.GET('/v1/users/{id}/keys', {
      params: { path: { id: user.id } },
    });
    if (data) setKeys(data.items);
    else setMessage(problemText(error, response));
  };
  const revoke = async (user: User, key: Key) => {
    const { error, response } = await api.DELETE('/v1/users/{id}/keys/{keyId}', {
      params: { path: { id: user.id, keyId: key.id } },
    });
    if (!response.ok) return setMessage(problemText(error, response));
    setStatus(`Key ${key.prefix}… of ${user.email} revoked.`);
    void open(user);
  };
  const create = async (e: Event) => {
    e.preventDefault();
    setMessage('');
    const { data, error, response } = await api.POST('/v1/users', { body: { email: email.trim() } });
    if (!data) return setMessage(problemText(error, response));
    setCreated(data);
    setEmail('');
    void search();
  };

  return (
    <section aria-labelledby="users-title" class="stack">
      <h1 id="users-title">Users</h1>
      <search>
        <form class="card row" onSubmit={search}>
          <div class="stack grow">
            <label for="user-q">E-mail contains</label>
            <input id="user-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
          </div>
          <button type="submit">Find users</button>
        </form>
      </search>
      <table>
        <caption>{users.length === 1 ? '1 user' : `${users.length} users`}</caption>
        <thead>
          <tr>
            <th scope="col">E-mail</th>
            <th scope="col">Episodes</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>
                <button type="button" class="link" onClick={() => void open(u)}>
                  {u.email}
                </button>
              </td>
              <td>{u.episodesGenerated}</td>
              <td>{new Date(u.createdAt).toLocaleDateString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && (
        <div class="card stack">
          <h2>Keys of {selected.email}</h2>
          <p class="muted">
            User id <code>{selected.id}</code>
          </p>
          <table>
            <caption class="sr-only">Active API keys of {selected.email}</caption>
            <thead>
              <tr>
                <th scope="col">Prefix</th>
                <th scope="col">Name</th>
                <th scope="col">Last used</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.name ?? '—'}</td>
                  <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</td>
                  <td>
                    <button type="button" class="secondary" onClick={() => void revoke(selected, k)}>
                      Revoke <span class="sr-only">key {k.prefix}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
        <button type="submit">Create user</button>
        {created && (
          <p>
            Created {created.user.email}. Their API key, shown once: <code>{created.apiKey}</code>
          </p>
        )}
      </form>
      <p role="status" class="muted">
        {status}
      </p>
      {message && (
        <p role="alert" class="error">
          {message}
        </p>
      )}
    </section>
  );
}
