import { useEffect, useState } from 'preact/hooks';
import { type Api, problemText, type Schemas } from '../api/client';
import { Alert, KeyPrefix, Page, RevokeKeyButton, Status, Table } from './parts';

type Key = Schemas['ApiKey'];

/** Timezone, pre-generation schedule, webhook URL and API keys. */
export function Settings({ api }: { api: Api }) {
  const [form, setForm] = useState({
    timezone: '',
    dailyEnabled: false,
    weeklyEnabled: false,
    webhookUrl: '',
  });
  const [keys, setKeys] = useState<Key[]>([]);
  const [newKey, setNewKey] = useState('');
  const [status, setStatus] = useState('');
  const [message, setMessage] = useState('');

  const loadKeys = () => api.GET('/v1/keys').then(({ data }) => data && setKeys(data.items));
  useEffect(() => {
    void api.GET('/v1/me').then(({ data }) => {
      if (data)
        setForm({
          timezone: data.user.timezone,
          dailyEnabled: data.user.dailyEnabled,
          weeklyEnabled: data.user.weeklyEnabled,
          webhookUrl: data.user.webhookUrl ?? '',
        });
    });
    void loadKeys();
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    setMessage('');
    const { data, error, response } = await api.PATCH('/v1/me', {
      body: { ...form, webhookUrl: form.webhookUrl.trim() || null },
    });
    if (data) setStatus('Settings saved.');
    else setMessage(problemText(error, response));
  };
  const createKey = async () => {
    const { data, error, response } = await api.POST('/v1/keys', { body: { name: 'web' } });
    if (!data) return setMessage(problemText(error, response));
    setNewKey(data.apiKey);
    void loadKeys();
  };
  const revoke = async (id: string) => {
    const { error, response } = await api.DELETE('/v1/keys/{id}', { params: { path: { id } } });
    if (response.ok) {
      setStatus('Key revoked.');
      void loadKeys();
    } else setMessage(problemText(error, response));
  };

  return (
    <Page id="settings" title="Settings">
      <form class="card stack" onSubmit={save}>
        <label for="timezone">Timezone</label>
        <input
          id="timezone"
          value={form.timezone}
          placeholder="Europe/Berlin"
          onInput={(e) => setForm({ ...form, timezone: e.currentTarget.value })}
        />
        <label class="choice">
          <input
            type="checkbox"
            checked={form.dailyEnabled}
            onChange={(e) => setForm({ ...form, dailyEnabled: e.currentTarget.checked })}
          />
          Make my daily episode before I wake up
        </label>
        <label class="choice">
          <input
            type="checkbox"
            checked={form.weeklyEnabled}
            onChange={(e) => setForm({ ...form, weeklyEnabled: e.currentTarget.checked })}
          />
          Make a weekly episode
        </label>
        <label for="webhook">Webhook URL</label>
        <input
          id="webhook"
          type="url"
          placeholder="https://"
          value={form.webhookUrl}
          onInput={(e) => setForm({ ...form, webhookUrl: e.currentTarget.value })}
        />
        <button type="submit">Save settings</button>
      </form>
      <div class="card stack">
        <h2>API keys</h2>
        <Table caption="Your active API keys" hideCaption columns={['Name', 'Prefix', 'Created', 'Action']}>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name ?? '—'}</td>
              <td>
                <KeyPrefix prefix={k.prefix} />
              </td>
              <td>{new Date(k.createdAt).toLocaleDateString()}</td>
              <td>
                <RevokeKeyButton prefix={k.prefix} onRevoke={() => void revoke(k.id)} />
              </td>
            </tr>
          ))}
        </Table>
        <button type="button" onClick={() => void createKey()}>
          Create a key
        </button>
        {newKey && (
          <p>
            Your new key (shown once): <code>{newKey}</code>
          </p>
        )}
      </div>
      <Status text={status} />
      <Alert message={message} />
    </Page>
  );
}
