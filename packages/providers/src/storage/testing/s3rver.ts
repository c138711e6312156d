import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { makeTempDir } from '@podfleet/test-kit';

export interface S3rverHandle {
  endpoint: string;
  bucket: string;
  /** s3rver's fixed account. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Starts s3rver (see s3rver-main.js) on 127.0.0.1, port 0, over a fresh temp dir with one bucket. */
export async function startS3rver(bucket = 'podfleet-test'): Promise<S3rverHandle> {
  const temp = await makeTempDir('podfleet-s3rver-');
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    ['--openssl-legacy-provider', join(__dirname, 's3rver-main.js'), temp.dir, bucket],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const firstLine = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    exited.then(([code]) => {
      throw new Error(`s3rver exited before listening (code ${code})`);
    }),
  ]);
  lines.close();
  const { port } = JSON.parse(firstLine) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    stop: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      await temp.remove();
    },
  };
}
