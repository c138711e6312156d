import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { machineBusySeconds, treeCpuSeconds } from './cpu-time';

describe('treeCpuSeconds', () => {
  it('holds the time of children that have exited', async () => {
    // A busy child runs to its end; then the shell becomes `sleep`, its children all gone.
    const burn = 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done';
    const busyBefore = machineBusySeconds();
    const shell = spawn('sh', ['-c', `sh -c '${burn}'; exec sleep 30`], { stdio: 'ignore' });
    try {
      const comm = () => readFileSync(`/proc/${shell.pid}/comm`, 'utf8').trim();
      for (let i = 0; i < 300 && comm() !== 'sleep'; i++) await new Promise((r) => setTimeout(r, 100));
      expect(comm()).toBe('sleep');
      expect(treeCpuSeconds(shell.pid!)).toBeGreaterThanOrEqual(0.1);
      expect(machineBusySeconds() - busyBefore).toBeGreaterThanOrEqual(0.1);
    } finally {
      shell.kill();
    }
  });
});
