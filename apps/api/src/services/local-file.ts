import type { Response } from 'express';

export type LocalFileOutcome = 'sent' | 'unsatisfiable' | 'missing';

/**
 * Sends a file on this machine with Express's `res.sendFile` (the `send` library): conditional GETs
 * (304 on a matching If-None-Match or If-Modified-Since), one Range (206, honouring If-Range),
 * HEAD. Content-Type, ETag and Cache-Control already set on `res` are kept. An unsatisfiable
 * Range and a missing file are returned for the caller to answer (416, 404); a client that stops
 * reading (seek, skip) is not an error.
 */
export function sendLocalFile(res: Response, path: string): Promise<LocalFileOutcome> {
  return new Promise((resolve, reject) => {
    // The key was validated into a path under the storage root, which may itself sit in a dot directory.
    res.sendFile(path, { dotfiles: 'allow', cacheControl: false }, (err?: Error & { status?: number }) => {
      if (!err) resolve('sent');
      else if (err.status === 416) resolve('unsatisfiable');
      else if (err.status === 404) resolve('missing');
      else if (res.headersSent) resolve('sent');
      else reject(err);
    });
  });
}

/** Whether an answer sent by sendLocalFile starts at the file's first byte and holds at least `bytes`. */
export function sentFromStart(res: Response, bytes: number): boolean {
  if (res.statusCode === 200) return true;
  if (res.statusCode !== 206) return false;
  const range = /^bytes 0-(\d+)\//.exec(String(res.getHeader('Content-Range') ?? ''));
  return range !== null && Number(range[1]) + 1 >= bytes;
}

/**
 * Runs `listener` once, just before the response's status and headers go out (explicitly, or with
 * its first body bytes), when they are final: what `on-headers` does.
 */
export function beforeHeaders(res: Response, listener: () => void): void {
  const writeHead = res.writeHead;
  let called = false;
  res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    if (!called) {
      called = true;
      listener();
    }
    return writeHead.apply(this, args);
  } as Response['writeHead'];
}
