import type { Episode, Job } from '@podfleet/db';

/** CONTRACT "Job". */
export interface JobView {
  id: string;
  type: Job['type'];
  status: Job['status'];
  phase: Job['phase'];
  progress: number;
  currentStep: string | null;
  attempts: number;
  maxAttempts: number;
  priority: Job['priority'];
  error: { code: string; message: string } | null;
  episodeId: string | null;
  costUsd: number;
  wordCount: number | null;
  /** Who did the work: script writer, TTS engine; for an upload, where its transcript came from. */
  providers: { script?: string; tts?: string; transcript?: string };
  pregenerated: boolean;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface EpisodeView {
  id: string;
  jobId: string;
  type: Episode['type'];
  title: string;
  description: string;
  audioUrl: string;
  transcriptUrl: string;
  durationSec: number;
  sizeBytes: number;
  mimeType: string;
  chapters: Array<{ title: string; startSec: number }>;
  sources: Array<{ kind: string; title: string; url: string | null }>;
  createdAt: string;
  expiresAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toJobView(job: Job): JobView {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    phase: job.phase,
    progress: job.progress,
    currentStep: job.currentStep,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    priority: job.priority,
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
    episodeId: job.episodeId,
    costUsd: Math.round(job.costUsd * 1e6) / 1e6,
    wordCount: job.wordCount,
    providers: (job.providers ?? {}) as JobView['providers'],
    pregenerated: job.pregenerated,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    completedAt: iso(job.completedAt),
  };
}

export function toEpisodeView(
  /** The transcript is not part of the view, so a cached episode without it will do. */
  episode: Omit<Episode, 'transcript'>,
  urls: { audioUrl: string; transcriptUrl: string },
): EpisodeView {
  return {
    id: episode.id,
    jobId: episode.jobId,
    type: episode.type,
    title: episode.title,
    description: episode.description,
    audioUrl: urls.audioUrl,
    transcriptUrl: urls.transcriptUrl,
    durationSec: Math.round(episode.durationSec * 1000) / 1000,
    sizeBytes: episode.sizeBytes,
    mimeType: episode.mimeType,
    chapters: episode.chapters as EpisodeView['chapters'],
    sources: episode.sources as EpisodeView['sources'],
    createdAt: episode.createdAt.toISOString(),
    expiresAt: iso(episode.expiresAt),
  };
}
