// Progress in words: what the job is doing now, for the progress bar's label and aria-valuetext.
export interface JobProgress {
  status: string;
  phase: 'scrape' | 'script' | 'audio' | 'upload' | 'clips' | null;
  progress: number;
  currentStep: string | null;
}

const PHASES = {
  scrape: 'Gathering sources',
  script: 'Writing the script',
  audio: 'Voicing',
  upload: 'Publishing',
  clips: 'Cutting clips',
} as const;

export function stageText(job: JobProgress): string {
  switch (job.status) {
    case 'queued':
      return 'Waiting for a free worker';
    case 'completed':
      return 'Done: the episode is ready';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
  if (!job.phase) return 'Starting';
  const step = job.currentStep ? `: ${job.currentStep}` : '';
  return `${PHASES[job.phase]}${step}`;
}

export const isFinished = (status: string) =>
  status === 'completed' || status === 'failed' || status === 'cancelled';
