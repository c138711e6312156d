// A minimal Server-Sent Events reader for tests: collects events as they arrive.
import { get, type IncomingMessage } from 'node:http';
import { waitFor } from '@podfleet/test-kit';

export interface SseEvent {
  event: string;
  data: unknown;
  id?: string;
}

export interface SseStream {
  status: number;
  headers: IncomingMessage['headers'];
  events: SseEvent[];
  /** Comment lines (": heartbeat") received. */
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  isEnded(): boolean;
  /** Waits until `count` events arrived. */
  waitForEvents(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      let buffer = '';
      let ended = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else {
              const colon = line.indexOf(':');
              if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
            }
          }
          if (fields.data !== undefined) {
            events.push({
              event: fields.event ?? 'message',
              data: JSON.parse(fields.data),
              ...(fields.id ? { id: fields.id } : {}),
            });
          }
        }
      });
      const done = new Promise<void>((r) => {
        res.on('end', () => {
          ended = true;
          r();
        });
        res.on('close', () => {
          ended = true;
          r();
        });
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        ended: done,
        isEnded: () => ended,
        waitForEvents: (count, timeoutMs = 10_000) =>
          waitFor(() => (events.length >= count ? events : undefined), {
            timeoutMs,
            what: `${count} SSE events`,
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}
