import { useEffect, useRef, useState } from 'preact/hooks';
import { type Api, type Episode, problemText, type Schemas } from '../api/client';
import { clock, segmentAt } from '../transcript';
import { Alert, Page } from './parts';

type Segment = Schemas['Transcript']['segments'][number];

const withFormat = (url: string, format: string) => `${url}${url.includes('?') ? '&' : '?'}format=${format}`;

/** The player: audio with chapters, and the transcript beside it following playback. */
export function EpisodeView({ api, episodeId }: { api: Api; episodeId: string }) {
  const [episode, setEpisode] = useState<Episode | null>(null);
  const [segments, setSegments] = useState<Segment[]>([]);
  const [current, setCurrent] = useState(-1);
  const [message, setMessage] = useState('');
  const audio = useRef<HTMLAudioElement>(null);
  const lines = useRef<Array<HTMLButtonElement | null>>([]);
  const listened = useRef(false);

  useEffect(() => {
    const path = { params: { path: { id: episodeId } } };
    void (async () => {
      const [ep, tr] = await Promise.all([
        api.GET('/v1/episodes/{id}', path),
        api.GET('/v1/episodes/{id}/transcript', {
          params: { path: { id: episodeId }, query: { format: 'json' } },
        }),
      ]);
      if (!ep.data) return setMessage(problemText(ep.error, ep.response));
      setEpisode(ep.data);
      const transcript = tr.data as Schemas['Transcript'] | undefined;
      setSegments(transcript?.segments ?? []);
    })();
  }, [episodeId]);

  useEffect(() => {
    if (current >= 0) lines.current[current]?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const seek = (seconds: number) => {
    const el = audio.current;
    if (!el) return;
    el.currentTime = seconds;
    setCurrent(segmentAt(segments, seconds));
    void el.play().catch(() => {});
  };

  if (message) return <Alert message={message} />;
  if (!episode) return <p aria-busy="true">Loading the episode…</p>;
  return (
    <Page id="episode" title={episode.title}>
      <p class="muted">
        {clock(episode.durationSec)} · {new Date(episode.createdAt).toLocaleString()} · {episode.type}
      </p>
      <div class="player">
        <div class="stack">
          <audio
            ref={audio}
            controls
            preload="metadata"
            src={episode.audioUrl}
            aria-label={`Audio of ${episode.title}`}
            onTimeUpdate={(e) => setCurrent(segmentAt(segments, e.currentTarget.currentTime))}
            onPlay={() => {
              // One listen per visit, for pre-generation targeting.
              if (listened.current) return;
              listened.current = true;
              void api.POST('/v1/episodes/{id}/listens', { params: { path: { id: episodeId } } });
            }}
          >
            <track
              kind="captions"
              src={withFormat(episode.transcriptUrl, 'vtt')}
              srcLang="en"
              label="Transcript"
            />
          </audio>
          {episode.chapters.length > 0 && (
            <nav aria-label="Chapters">
              <h2>Chapters</h2>
              <ol class="chapters">
                {episode.chapters.map((c) => (
                  <li key={c.startSec}>
                    <button type="button" class="link" onClick={() => seek(c.startSec)}>
                      <span class="time">{clock(c.startSec)}</span> {c.title}
                    </button>
                  </li>
                ))}
              </ol>
            </nav>
          )}
          <h2>Download</h2>
          <ul class="downloads">
            <li>
              <a href={episode.audioUrl} download>
                MP3
              </a>
            </li>
            {(['vtt', 'srt', 'txt'] as const).map((f) => (
              <li key={f}>
                <a href={withFormat(episode.transcriptUrl, f)} download>
                  Transcript ({f.toUpperCase()})
                </a>
              </li>
            ))}
          </ul>
        </div>
        <section aria-label="Transcript" class="transcript">
          <h2>Transcript</h2>
          <ol>
            {segments.map((s, i) => (
              <li key={s.start}>
                <button
                  type="button"
                  ref={(el) => {
                    lines.current[i] = el;
                  }}
                  class="line"
                  aria-current={i === current ? 'true' : undefined}
                  data-start={s.start}
                  onClick={() => seek(s.start)}
                >
                  <span class="time">{clock(s.start)}</span> <strong>{s.speaker}:</strong> {s.text}
                </button>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </Page>
  );
}
