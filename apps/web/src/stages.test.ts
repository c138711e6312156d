import { isFinished, stageText } from './stages';

const job = (fields: Partial<Parameters<typeof stageText>[0]>) =>
  stageText({ status: 'running', phase: null, progress: 0, currentStep: null, ...fields });

describe('stageText', () => {
  it('names each stage in words, with its current step', () => {
    expect(job({ phase: 'scrape', currentStep: 'resolving 1 source' })).toBe(
      'Gathering sources: resolving 1 source',
    );
    expect(job({ phase: 'script' })).toBe('Writing the script');
    expect(job({ phase: 'audio', currentStep: 'voicing line 12 of 40' })).toBe(
      'Voicing: voicing line 12 of 40',
    );
    expect(job({ phase: 'upload', currentStep: 'publishing the episode' })).toBe(
      'Publishing: publishing the episode',
    );
    expect(job({ phase: 'clips', currentStep: 'rendering clip 1 of 3' })).toBe(
      'Cutting clips: rendering clip 1 of 3',
    );
  });

  it('says what a job that is not running is', () => {
    expect(job({ status: 'queued' })).toBe('Waiting for a free worker');
    expect(job({ status: 'completed', phase: 'upload' })).toBe('Done: the episode is ready');
    expect(job({ status: 'failed', phase: 'audio' })).toBe('Failed');
    expect(job({ status: 'cancelled' })).toBe('Cancelled');
  });

  it('tells finished statuses from running ones', () => {
    expect(['queued', 'running', 'completed', 'failed', 'cancelled'].map(isFinished)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});
