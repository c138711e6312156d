import { getPriority } from 'node:os';
import { waitFor } from '@podfleet/test-kit';
import { formatLogLine, Supervisor } from './supervisor';

const node = process.execPath;

function spec(name: string, script: string) {
  return { name, command: node, args: ['-e', script], cwd: __dirname, env: { PATH: process.env.PATH } };
}

// A child that logs one JSON line, then waits for SIGTERM and logs again before exiting. Its
// handler is in place before it says ready: a SIGTERM that came between the two would kill it
// without a word (seen once under load).
const longRunning = (name: string) => `
  process.on('SIGTERM', () => { console.log('bye from ${name}'); process.exit(0); });
  console.log(JSON.stringify({ level: 30, time: 0, msg: 'ready', app: '${name}' }));
  setInterval(() => {}, 1000);
`;

describe('Supervisor', () => {
  it('prefixes every line with the app name and stops all apps on stop()', async () => {
    const lines: string[] = [];
    const ready: string[] = [];
    const supervisor = new Supervisor(
      [spec('api', longRunning('api')), spec('audio', longRunning('audio'))],
      {
        write: (line) => lines.push(line),
        onLog: (app, entry) => {
          if (entry.msg === 'ready') ready.push(app);
        },
      },
    );
    supervisor.start();
    await waitFor(() => ready.length === 2, { what: 'both apps ready' });
    await supervisor.stop();
    expect(lines).toEqual(
      expect.arrayContaining([
        '[api  ] bye from api',
        '[audio] bye from audio',
        expect.stringMatching(/^\[api {2}\] \{/),
      ]),
    );
    expect(supervisor.pids()).toEqual({});
  });

  it('restarts an app that crashes, up to the cap, then gives up', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor([spec('scraper', 'process.exit(3)')], {
      write: (line) => lines.push(line),
      maxRestartsPerMinute: 2,
    });
    supervisor.start();
    await supervisor.waitForExit();
    expect(lines.filter((l) => l.includes('; restarting in'))).toHaveLength(2);
    expect(lines.at(-1)).toBe('[scraper] exited (3) 2 times within a minute; not restarting');
  });

  it('kills an app that ignores SIGTERM after the stop timeout', async () => {
    const stubborn = spec(
      'audio',
      "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)",
    );
    const lines: string[] = [];
    const supervisor = new Supervisor([stubborn], { write: (l) => lines.push(l), stopTimeoutMs: 300 });
    supervisor.start();
    await waitFor(() => lines.includes('[audio] up'));
    await supervisor.stop();
    expect(supervisor.pids()).toEqual({});
  });
});

describe('Supervisor priorities', () => {
  // The app reports its own priority, a worker thread's and a child process's, then exits.
  const reportPriorities = `
    const { getPriority } = require('node:os');
    const { Worker } = require('node:worker_threads');
    const { execFileSync } = require('node:child_process');
    const child = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(require("node:os").getPriority()))']));
    const thread = new Worker('require("node:worker_threads").parentPort.postMessage(require("node:os").getPriority())', { eval: true });
    thread.once('message', (threadPriority) => {
      console.log(JSON.stringify({ level: 30, msg: 'priorities', own: getPriority(), thread: threadPriority, child }));
      process.exit(0);
    });`;

  const prioritiesOf = async (priority?: number) => {
    const seen: Array<Record<string, unknown>> = [];
    const supervisor = new Supervisor(
      [{ ...spec('audio', reportPriorities), ...(priority === undefined ? {} : { priority }) }],
      {
        write: () => {},
        onLog: (_app, entry) => seen.push(entry),
        maxRestartsPerMinute: 0,
      },
    );
    supervisor.start();
    await supervisor.waitForExit();
    const { own, thread, child } = seen.find((e) => e.msg === 'priorities') ?? {};
    return { own, thread, child };
  };

  it('starts an app at its priority, which its threads and child processes inherit', async () => {
    expect(await prioritiesOf(10)).toEqual({ own: 10, thread: 10, child: 10 });
  });

  it("leaves an app without one at the supervisor's priority", async () => {
    const own = getPriority();
    expect(await prioritiesOf()).toEqual({ own, thread: own, child: own });
  });
});

describe('formatLogLine', () => {
  it('renders pino JSON as time, level, message and remaining fields', () => {
    const line = formatLogLine({
      level: 40,
      time: Date.UTC(2026, 0, 1, 12, 30, 5, 7),
      msg: 'slow',
      pid: 1,
      hostname: 'h',
      jobId: 'j1',
      ms: 12,
    });
    expect(line).toBe('12:30:05.007 warn  slow jobId=j1 ms=12');
  });
});

describe('Supervisor log filtering', () => {
  it('hides JSON lines below minLevel whether pino writes numbers or labels, but still reports them', async () => {
    const lines: string[] = [];
    const seen: unknown[] = [];
    const script = `
      console.log(JSON.stringify({ level: 'info', msg: 'ready' }));
      console.log(JSON.stringify({ level: 30, msg: 'chatty' }));
      console.log(JSON.stringify({ level: 'warn', msg: 'careful' }));
      console.log('plain text');`;
    const supervisor = new Supervisor([spec('api', script)], {
      write: (l) => lines.push(l),
      onLog: (_app, entry) => seen.push(entry.msg),
      minLevel: 40,
      maxRestartsPerMinute: 0,
    });
    supervisor.start();
    await supervisor.waitForExit();
    expect(seen).toEqual(['ready', 'chatty', 'careful']);
    expect(lines.filter((l) => !l.includes('not restarting'))).toEqual([
      '[api] {"level":"warn","msg":"careful"}',
      '[api] plain text',
    ]);
  });
});
