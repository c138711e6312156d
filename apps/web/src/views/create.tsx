import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api/client';
import { type Api, problemText } from '../api/client';
import { go } from '../router';
import { Alert, Field } from './parts';

type Source = NonNullable<Schemas['EpisodeRequest']['sources']>[number];
type Kind = 'text' | 'url' | 'rss' | 'congress';
const KINDS: Array<[Kind, string]> = [
  ['text', 'From text'],
  ['url', 'From a web address'],
  ['rss', 'From an RSS or Atom feed'],
  ['congress', 'From a Congress.gov bill'],
];
const DEFAULT_HOSTS = ['Maya', 'Theo', 'Ada', 'Sam'];

/** A required number field of the form. */
function NumberField(props: {
  id: string;
  label: string;
  min: number;
  max?: number;
  step?: number;
  value: string;
  onInput: (e: Event) => void;
}) {
  return (
    <Field id={props.id} label={props.label}>
      <input
        id={props.id}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step}
        required
        value={props.value}
        onInput={props.onInput}
      />
    </Field>
  );
}

/** The form that requests an episode, and the one-click daily episode. */
export function CreateEpisode({ api }: { api: Api }) {
  const [kind, setKind] = useState<Kind>('text');
  const [fields, setFields] = useState({
    title: '',
    text: '',
    url: '',
    congress: '119',
    billType: 'hr',
    billNumber: '1',
  });
  const [minutes, setMinutes] = useState('3');
  const [hosts, setHosts] = useState(DEFAULT_HOSTS.slice(0, 2).map((name) => ({ name, voice: '' })));
  const [tone, setTone] = useState('conversational');
  const [language, setLanguage] = useState('en');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [voices, setVoices] = useState<Schemas['VoiceList'] | null>(null);
  useEffect(() => {
    void api.GET('/v1/voices').then(({ data }) => data && setVoices(data));
  }, []);
  /** A source field's value and the handler that keeps it, for its input's props. */
  const bind = (name: keyof typeof fields) => ({
    value: fields[name],
    onInput: (e: Event) => setFields({ ...fields, [name]: (e.currentTarget as HTMLInputElement).value }),
  });

  const source = (): Source => {
    if (kind === 'text') return { kind, title: fields.title.trim(), text: fields.text };
    if (kind === 'url') return { kind, url: fields.url.trim() };
    if (kind === 'rss') return { kind, url: fields.url.trim(), maxItems: 5 };
    return {
      kind,
      congress: Number(fields.congress),
      billType: fields.billType as 'hr',
      billNumber: Number(fields.billNumber),
    };
  };

  const request = async (body: Schemas['EpisodeRequest']) => {
    setBusy(true);
    setMessage('');
    try {
      const { data, error, response } = await api.POST('/v1/episodes', { body });
      if (data && 'cached' in data) go('episodes', data.episode.id);
      else if (data) go('jobs', data.jobId);
      else setMessage(problemText(error, response));
    } catch {
      setMessage('The server could not be reached. Try again.');
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    void request({
      type: 'custom',
      forceRegenerate: false,
      priority: 'normal',
      sources: [source()],
      style: {
        targetMinutes: Number(minutes),
        tone: tone.trim(),
        language: language.trim(),
        hosts: hosts.map((h) => ({ name: h.name.trim(), ...(h.voice ? { voice: h.voice } : {}) })),
      },
    });
  };

  return (
    <section aria-labelledby="create-title">
      <div class="row spread">
        <h1 id="create-title">Create an episode</h1>
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => void request({ type: 'daily', forceRegenerate: false, priority: 'normal' })}
        >
          Today's episode
        </button>
      </div>
      <form onSubmit={submit} class="stack card">
        <fieldset>
          <legend>Source</legend>
          <div class="choices">
            {KINDS.map(([value, label]) => (
              <label key={value} class="choice">
                <input
                  type="radio"
                  name="kind"
                  value={value}
                  checked={kind === value}
                  onChange={() => setKind(value)}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        {kind === 'text' && (
          <>
            <label for="title">Title</label>
            <input id="title" required maxLength={500} {...bind('title')} />
            <label for="text">Text</label>
            <textarea id="text" required rows={8} {...bind('text')} />
          </>
        )}
        {(kind === 'url' || kind === 'rss') && (
          <>
            <label for="url">{kind === 'url' ? 'Web address' : 'Feed address'}</label>
            <input id="url" type="url" required placeholder="https://" {...bind('url')} />
          </>
        )}
        {kind === 'congress' && (
          <div class="row">
            <NumberField id="congress" label="Congress" min={1} max={200} {...bind('congress')} />
            <Field id="bill-type" label="Bill type">
              <select id="bill-type" {...bind('billType')}>
                {['hr', 's', 'hjres', 'sjres', 'hconres', 'sconres', 'hres', 'sres'].map((t) => (
                  <option key={t} value={t}>
                    {t.toUpperCase()}
                  </option>
                ))}
              </select>
            </Field>
            <NumberField id="bill-number" label="Bill number" min={1} {...bind('billNumber')} />
          </div>
        )}
        <div class="row">
          <NumberField
            id="minutes"
            label="Minutes"
            min={0.5}
            max={60}
            step={0.5}
            value={minutes}
            onInput={(e) => setMinutes((e.currentTarget as HTMLInputElement).value)}
          />
          <Field id="tone" label="Tone">
            <input
              id="tone"
              required
              maxLength={200}
              value={tone}
              onInput={(e) => setTone(e.currentTarget.value)}
            />
          </Field>
          <Field id="language" label="Language">
            <input
              id="language"
              list="languages"
              required
              minLength={2}
              maxLength={10}
              value={language}
              onInput={(e) => setLanguage(e.currentTarget.value)}
            />
            <datalist id="languages">
              {voices?.languages.map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
          </Field>
        </div>
        <fieldset>
          <legend>Hosts</legend>
          <label for="host-count">Number of hosts</label>
          <select
            id="host-count"
            value={String(hosts.length)}
            onChange={(e) => {
              const n = Number(e.currentTarget.value);
              setHosts(
                Array.from(
                  { length: n },
                  (_, i) => hosts[i] ?? { name: DEFAULT_HOSTS[i] ?? `Host ${i + 1}`, voice: '' },
                ),
              );
            }}
          >
            {[1, 2, 3, 4].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
          {hosts.map((host, i) => (
            <div class="row" key={i}>
              <div class="stack">
                <label for={`host-${i}-name`}>Host {i + 1} name</label>
                <input
                  id={`host-${i}-name`}
                  required
                  maxLength={40}
                  value={host.name}
                  onInput={(e) =>
                    setHosts(hosts.map((h, j) => (j === i ? { ...h, name: e.currentTarget.value } : h)))
                  }
                />
              </div>
              <div class="stack">
                <label for={`host-${i}-voice`}>Host {i + 1} voice</label>
                <select
                  id={`host-${i}-voice`}
                  value={host.voice}
                  onChange={(e) =>
                    setHosts(hosts.map((h, j) => (j === i ? { ...h, voice: e.currentTarget.value } : h)))
                  }
                >
                  <option value="">Default</option>
                  {voices?.voices.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.name === v.id ? v.id : `${v.name} (${v.id})`}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          ))}
        </fieldset>
        <button type="submit" disabled={busy}>
          Create episode
        </button>
        <Alert message={message} />
      </form>
    </section>
  );
}
