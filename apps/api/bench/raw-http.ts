// The paced loads' HTTP client: keep-alive HTTP/1.1 over plain sockets, one request in flight per
// connection, each request written as one buffer and each answer read only as far as its status
// and Content-Length. A general client (node:http, undici) allocates per request and pauses for
// its own garbage collection; on two shared cores those pauses showed up as 2-4 ms of p99 in every
// figure, the bare handler's included. This one adds about 1 ms there. Answers must carry a
// Content-Length (everything the benches request does); a chunked answer is an error.
import { connect, type Socket } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Connection {
  socket: Socket;
  open: boolean;
  received: Buffer | null;
  settle: ((result: number | Error) => void) | null;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Status and total length of a complete answer in `data`, or null while it is incomplete. */
function parseAnswer(data: Buffer): { status: number; length: number } | null {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) return null;
  const head = data.toString('latin1', 0, headEnd).toLowerCase();
  if (head.includes('transfer-encoding: chunked')) throw new Error('chunked answers are not supported');
  const lengthAt = head.indexOf('content-length:');
  const bodyLength = lengthAt < 0 ? 0 : Number.parseInt(head.slice(lengthAt + 15), 10);
  const length = headEnd + HEAD_END.length + bodyLength;
  return data.length < length ? null : { status: Number(head.slice(9, 12)), length };
}

export class RawHttpPool {
  private readonly idle: Connection[] = [];
  private readonly queued: Array<(connection: Connection) => void> = [];
  private readonly all = new Set<Connection>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.idle.push(this.open());
  }

  /** Sends one request; resolves with the answer's status code once the whole answer arrived. */
  request(req: RawRequest): Promise<number> {
    const body = req.body ?? '';
    let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [name, value] of Object.entries(req.headers)) head += `${name}: ${value}\r\n`;
    if (body) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    const bytes = Buffer.from(`${head}\r\n${body}`);
    return new Promise((resolve, reject) => {
      const send = (connection: Connection) => {
        connection.settle = (result) => (result instanceof Error ? reject(result) : resolve(result));
        connection.socket.write(bytes);
      };
      const connection = this.takeIdle();
      if (connection) send(connection);
      else this.queued.push(send);
    });
  }

  close(): void {
    for (const connection of this.all) connection.socket.destroy();
  }

  /** First in, first out, so every connection stays in use (servers close idle ones). */
  private takeIdle(): Connection | undefined {
    const connection = this.idle.shift();
    if (!connection) return undefined;
    return connection.open ? connection : this.open();
  }

  private release(connection: Connection): void {
    const next = this.queued.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  private open(): Connection {
    const socket = connect(this.port, this.host);
    socket.setNoDelay(true);
    const connection: Connection = { socket, open: true, received: null, settle: null };
    this.all.add(connection);
    /** Settles the request in flight, if any; says whether there was one. */
    const settle = (result: number | Error): boolean => {
      const pending = connection.settle;
      connection.settle = null;
      pending?.(result);
      return pending !== null;
    };
    // A connection that breaks fails its request; a fresh one takes its place in the pool.
    const fail = (err: Error) => {
      if (!connection.open) return;
      connection.open = false;
      this.all.delete(connection);
      if (settle(err)) this.release(this.open());
    };
    socket.on('data', (chunk: Buffer) => {
      connection.received = connection.received ? Buffer.concat([connection.received, chunk]) : chunk;
      let answer: ReturnType<typeof parseAnswer>;
      try {
        answer = parseAnswer(connection.received);
      } catch (err) {
        fail(err as Error);
        socket.destroy();
        return;
      }
      if (!answer) return;
      connection.received = null;
      settle(answer.status);
      this.release(connection.open ? connection : this.open());
    });
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    return connection;
  }
}
