import { execFile, spawn } from 'node:child_process';

/** True when `binary` runs (e.g. Debian's espeak-ng on PATH), probed without reading the environment. */
export function nativeEspeakAvailable(binary: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: 5_000 }, (err, stdout) =>
      resolve(!err && /espeak/i.test(stdout)),
    );
  });
}

/** What `espeak-ng --voices` prints: the voice table. */
export function listNativeVoices(binary: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['--voices'], { timeout: 10_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

/** One espeak-ng child process: text on stdin (no argv length limit), WAV on stdout. */
export function runNativeEspeak(
  binary: string,
  args: string[],
  text: string,
  signal?: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args, '--stdout'], { stdio: ['pipe', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => {}); // EPIPE if it died early: reported by 'close'
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`espeak-ng exited with ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.end(text);
  });
}
