// CPU time from /proc (Linux): of a process and everything it started, and of the whole machine.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Supervisor } from '../src/supervisor';

/** /proc counts CPU time in clock ticks (USER_HZ, 100 on most systems). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface ProcStat {
  ppid: number;
  /** Its own user + system time, and that of its children it has waited for (ticks). */
  ticks: number;
}

function readProcStat(pid: number): ProcStat | undefined {
  let line: string;
  try {
    line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // it exited meanwhile
  }
  // The command name (2nd field) can hold spaces and parentheses: fields are counted after its ')'.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return { ppid: Number(fields[1]), ticks: utime! + stime! + cutime! + cstime! };
}

/**
 * CPU seconds used so far by `rootPid` and its descendants, living or exited: an exited child's
 * time is in its parent's cutime/cstime once waited for (Node waits for espeak and ffmpeg), so
 * the sum over the living tree holds it. Read it while the tree is idle for an exact difference.
 */
export function treeCpuSeconds(rootPid: number): number {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  let ticks = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) queue.push(child);
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds of every process a supervisor started, with their children (espeak, ffmpeg). */
export function supervisedCpuSeconds(supervisor: Pick<Supervisor, 'pids'>): number {
  return Object.values(supervisor.pids()).reduce<number>(
    (sum, pid) => sum + (pid ? treeCpuSeconds(pid) : 0),
    0,
  );
}

/** CPU seconds the whole machine has spent busy (not idle or waiting for I/O), summed over cores. */
export function machineBusySeconds(): number {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  // user nice system idle iowait irq softirq … (guest time is already inside user and nice)
  const [user, nice, system, , , irq, softirq] = values.map(Number);
  return (user! + nice! + system! + irq! + softirq!) / TICKS_PER_SECOND;
}
