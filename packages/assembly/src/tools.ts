import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';

/** The static ffmpeg build from npm (a GPL program, run only as a child process). */
export const ffmpegPath = (): string => ffmpegInstaller.path;

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs a program to completion off the event loop: `input` is piped to stdin (a buffer, or chunks
 * as they come: the program starts before the first), stdout is collected (audio decodes are a few
 * MB), an abort kills the child and rejects with the reason, and so does a failing `input`.
 */
export function runTool(
  bin: string,
  args: string[],
  { input, signal }: { input?: Buffer | AsyncIterable<Buffer>; signal?: AbortSignal } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const onAbort = () => child.kill('SIGKILL');
    // A program that sees its input end early would finish a truncated file with exit code 0.
    let inputFailure: { error: unknown } | undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => {}); // EPIPE when the tool exits early: 'close' reports why
    child.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      const stderr = Buffer.concat(err).toString('utf8');
      if (signal?.aborted) reject(signal.reason);
      else if (inputFailure) reject(inputFailure.error);
      else if (code === 0) resolve({ stdout: Buffer.concat(out), stderr });
      else
        reject(
          // The whole of stderr goes with it (the lines that say why are not always the last ones),
          // not enumerable: loggers that serialise the error leave it out.
          Object.defineProperty(
            new Error(
              `${bin.split('/').pop()} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
            ),
            'stderr',
            { value: stderr, enumerable: false },
          ),
        );
    });
    if (input === undefined || Buffer.isBuffer(input)) child.stdin.end(input);
    else {
      const source = async function* () {
        try {
          yield* input;
        } catch (error) {
          inputFailure = { error };
          child.kill('SIGKILL');
          throw error;
        }
      };
      pipeline(Readable.from(source()), child.stdin).catch(() => {}); // failures are reported on 'close'
    }
  });
}
