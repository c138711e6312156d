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
  /** Settles the oldest write still open, then lets the writer react. */
  const answer = async (active: boolean | Error = true) => {
    pending.shift()?.(active);
    await new Promise((r) => setImmediate(r));
  };
  return { write, written, answer, open: () => pending.length };
}

const inactive = () => new Error('job cancelled');

test('one write at a time; reports made meanwhile collapse into the latest', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive);
  writer.report({ progress: 21 });
  writer.report({ progress: 25, currentStep: 'a' });
  writer.report({ progress: 30, currentStep: 'b' });
  expect(w.written).toEqual([{ progress: 21 }]);
  await w.answer();
  expect(w.written).toEqual([{ progress: 21 }, { progress: 30, currentStep: 'b' }]);
  await w.answer();
  expect(w.open()).toBe(0);
  await writer.settle();
  expect(w.written).toHaveLength(2);
});

test('settle drops a queued report and waits for the write in flight', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive);
  writer.report({ progress: 41 });
  writer.report({ progress: 60 });
  let settled = false;
  const settling = writer.settle().then(() => {
    settled = true;
  });
  await new Promise((r) => setImmediate(r));
  expect(settled).toBe(false);
  await w.answer();
  await settling;
  expect(w.written).toEqual([{ progress: 41 }]);
});

test('a write that finds the job inactive makes the next report and settle throw', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive);
  writer.report({ progress: 81 });
  await w.answer(false);
  expect(() => writer.report({ progress: 90 })).toThrow('job cancelled');
  await expect(writer.settle()).rejects.toThrow('job cancelled');
});

test('a failed write is thrown by the next report and by settle', async () => {
  const w = controlledWrites();
  const writer = progressWriter(w.write, inactive);
  writer.report({ progress: 5 });
  writer.report({ progress: 10 });
  await w.answer(new Error('connection terminated'));
  expect(w.written).toEqual([{ progress: 5 }]); // the queued report is not written after a failure
  expect(() => writer.report({ progress: 15 })).toThrow('connection terminated');
  await expect(writer.settle()).rejects.toThrow('connection terminated');
});
