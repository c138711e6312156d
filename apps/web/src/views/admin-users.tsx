import { useEffect, useState } from 'preact/hooks';
import { type Api, problemText, type Schemas } from '../api/client';
import {
  Alert,
  countOf,
  KeyPrefix,
  Page,
  RevokeKeyButton,
  SearchField,
  SearchForm,
  Status,
  Table,
} from './parts';

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
    <Page id="users" title="Users">
      <SearchForm onSearch={search}>
        <SearchField id="user-q" label="E-mail contains" value={q} onValue={setQ} />
        <button type="submit">Find users</button>
      </SearchForm>
      <Table caption={countOf(users.length, 'user')} columns={['E-mail', 'Episodes', 'Created']}>
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
      </Table>
      {selected && (
        <div class="card stack">
          <h2>Keys of {selected.email}</h2>
          <p class="muted">
            User id <code>{selected.id}</code>
          </p>
          <Table
            caption={<>Active API keys of {selected.email}</>}
            hideCaption
            columns={['Prefix', 'Name', 'Last used', 'Action']}
          >
            {keys.map((k) => (
              <tr key={k.id}>
                <td>
                  <KeyPrefix prefix={k.prefix} />
                </td>
                <td>{k.name ?? '—'}</td>
                <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</td>
                <td>
                  <RevokeKeyButton prefix={k.prefix} onRevoke={() => void revoke(selected, k)} />
                </td>
              </tr>
            ))}
          </Table>
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
      <Status text={status} />
      <Alert message={message} />
    </Page>
  );
}
