import { useEffect, useState } from 'preact/hooks';
import { type Api, problemText, type Schemas } from '../api/client';
import { Alert } from './parts';

interface Bar {
  label: string;
  value: number;
  text: string;
}

/** A small bar chart as SVG; the figures are also in its table, so nothing is shown by colour or shape alone. */
function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const width = 100 / Math.max(1, bars.length);
  return (
    <figure class="card chart">
      <figcaption>{title}</figcaption>
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" aria-hidden="true">
        {bars.map((b, i) => (
          <rect
            key={b.label}
            x={i * width + width * 0.15}
            width={width * 0.7}
            y={40 - (b.value / max) * 38}
            height={(b.value / max) * 38}
          />
        ))}
      </svg>
      <table>
        <tbody>
          {bars.map((b) => (
            <tr key={b.label}>
              <th scope="row">{b.label}</th>
              <td>{b.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

const pct = (n: number | null) => (n === null ? '—' : `${(n * 100).toFixed(1)} %`);

/** Queue depths, throughput, failure rate, cache hit ratio and cost per day; a link to Bull Board. */
export function AdminFleet({ api }: { api: Api }) {
  const [queues, setQueues] = useState<Schemas['QueueStats'] | null>(null);
  const [stats, setStats] = useState<Schemas['Stats'] | null>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    void Promise.all([
      api.GET('/v1/queue/stats'),
      api.GET('/v1/stats', { params: { query: { days: 7 } } }),
    ]).then(([q, s]) => {
      if (q.data) setQueues(q.data);
      if (s.data) setStats(s.data);
      if (!q.data || !s.data) setMessage(problemText(q.error ?? s.error, q.data ? s.response : q.response));
    });
  }, []);

  const queueEntries = Object.entries(queues?.queues ?? {});
  const days = stats?.history.days ?? [];
  const finished = days.reduce((n, d) => n + d.completed + d.failed, 0);
  const failed = days.reduce((n, d) => n + d.failed, 0);
  return (
    <section aria-labelledby="fleet-title" class="stack">
      <div class="row spread">
        <h1 id="fleet-title">Fleet</h1>
        <a href="/admin/queues">Open Bull Board</a>
      </div>
      <Alert message={message} />
      <p>
        Failure rate over 7 days: <strong>{finished ? pct(failed / finished) : '—'}</strong> · cache hit
        ratio: <strong>{pct(stats?.cache.hitRate ?? null)}</strong>
      </p>
      <div class="charts">
        <BarChart
          title="Queue depth (waiting + active)"
          bars={queueEntries.map(([name, q]) => ({
            label: name,
            value: q.waiting + q.active,
            text: `${q.waiting} waiting, ${q.active} active`,
          }))}
        />
        <BarChart
          title="Jobs finished per hour, by stage (last hour)"
          bars={queueEntries.map(([name, q]) => ({
            label: name,
            value: q.completedLastHour,
            text: `${q.completedLastHour} done, ${q.failedLastHour} failed`,
          }))}
        />
        <BarChart
          title="Jobs per day"
          bars={days.map((d) => ({ label: d.day, value: d.jobs, text: `${d.jobs} (${d.failed} failed)` }))}
        />
        <BarChart
          title="Cost per day"
          bars={days.map((d) => ({ label: d.day, value: d.costUsd, text: `$${d.costUsd.toFixed(4)}` }))}
        />
      </div>
    </section>
  );
}
