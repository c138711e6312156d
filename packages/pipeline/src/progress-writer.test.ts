import { type ProgressReport, progressWriter } from './progress-writer';

/** A write that resolves when the test says, recording what it was asked to store. */
function controlledWrites() {
  const written: ProgressReport[] = [];
  const pending: Array<(active: boolean | Error) => void> = [];
  const write = (report: ProgressReport) =>
    new Promise<boolean>((resolve, reject) => {
      written.push(report);
      pending.push((active) => (active instanceof Error ? reject(active) : resolve(active)));
    });
  /** Settles the oldest write still open. */
  const answer = async (active: boolean | Error = true) => {
    pending.shift()?.(active);
    await jest.advanceTimersByTimeAsync(0);
  };
  return { write, written, answer, open: () => pending.length };
}

const inactive = () => new Error('job cancelled');

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

test('writes nothing within the interval after the start, then the latest report', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive, 250);
  writer.report({ progress: 21 });
  await jest.advanceTimersByTimeAsync(100);
  writer.report({ progress: 25, currentStep: 'a' });
  await jest.advanceTimersByTimeAsync(149);
  expect(w.written).toEqual([]);
  await jest.advanceTimersByTimeAsync(1);
  expect(w.written).toEqual([{ progress: 25, currentStep: 'a' }]);
  await w.answer();
  // The next one waits a full interval after that write.
  writer.report({ progress: 30, currentStep: 'b' });
  await jest.advanceTimersByTimeAsync(249);
  expect(w.written).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(w.written.at(-1)).toEqual({ progress: 30, currentStep: 'b' });
  await w.answer();
  await writer.settle();
});

test('a stage that ends within the interval writes no progress', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive, 250);
  writer.report({ progress: 41 });
  writer.report({ progress: 60 });
  await writer.settle();
  await jest.advanceTimersByTimeAsync(1_000);
  expect(w.written).toEqual([]);
});

test('one write at a time; reports made meanwhile collapse into the latest', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive, 0);
  writer.report({ progress: 21 });
  await jest.advanceTimersByTimeAsync(0);
  writer.report({ progress: 25, currentStep: 'a' });
  writer.report({ progress: 30, currentStep: 'b' });
  expect(w.written).toEqual([{ progress: 21 }]);
  await w.answer();
  expect(w.written).toEqual([{ progress: 21 }, { progress: 30, currentStep: 'b' }]);
  await w.answer();
  expect(w.open()).toBe(0);
});

test('settle drops a queued report and waits for the write in flight', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive, 0);
  writer.report({ progress: 41 });
  await jest.advanceTimersByTimeAsync(0);
  writer.report({ progress: 60 });
  let settled = false;
  const settling = writer.settle().then(() => {
    settled = true;
  });
  await jest.advanceTimersByTimeAsync(0);
  expect(settled).toBe(false);
  await w.answer();
  await settling;
  expect(w.written).toEqual([{ progress: 41 }]);
});

test('a write that finds the job inactive makes the next report and settle throw', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive, 0);
  writer.report({ progress: 81 });
  await jest.advanceTimersByTimeAsync(0);
  await w.answer(false);
  expect(() => writer.report({ progress: 90 })).toThrow('job cancelled');
  await expect(writer.settle()).rejects.toThrow('job cancelled');
});

test('a failed write is thrown by the next report and by settle', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive, 0);
  writer.report({ progress: 5 });
  await jest.advanceTimersByTimeAsync(0);
  writer.report({ progress: 10 });
  await w.answer(new Error('connection terminated'));
  expect(w.written).toEqual([{ progress: 5 }]); // the queued report is not written after a failure
  expect(() => writer.report({ progress: 15 })).toThrow('connection terminated');
  await expect(writer.settle()).rejects.toThrow('connection terminated');
});
