// A TCP relay in front of the real PostgreSQL: the workers connect through it, and the suite
// cuts it to make the database unreachable for a while (established connections are dropped,
// new ones are closed at once), the way a failover or a network blip looks to a client. It can
// also hold one statement (found by a name in its bytes: the hot statements' prepared names), so
// a scenario can kill the process that sent it at an exact point: before the statement ran, or
// after it committed but before its client heard.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface StatementHold {
  /** Resolves once a connection sent the statement: from then on that connection is held. */
  engaged: Promise<void>;
  /** Lets the held bytes through and ends the hold. */
  release(): void;
}

export interface PgProxy {
  /** The database URL with host and port pointing at the proxy. */
  url: string;
  cut(): void;
  restore(): void;
  /**
   * Holds the first connection that sends a statement containing `marker`: at `request`, its
   * bytes (and the client's later ones) are kept from the server, so the statement does not run;
   * at `response`, the statement runs (a single statement commits on its own) and the server's
   * answers are kept from the client.
   */
  holdStatement(marker: string, at: 'request' | 'response'): StatementHold;
  close(): Promise<void>;
}

interface PendingHold {
  marker: Buffer;
  at: 'request' | 'response';
  engage(): void;
  /** Set once engaged: flushes what was held. */
  flush?: () => void;
  released: boolean;
}

export async function startPgProxy(databaseUrl: string): Promise<PgProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let down = false;
  let hold: PendingHold | undefined;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
    relay(client, upstream);
  });

  /** Forwards both ways, watching the client's bytes for the pending hold's marker. */
  function relay(client: Socket, upstream: Socket): void {
    let heldUp: Buffer[] | undefined;
    let heldDown: Buffer[] | undefined;
    let tail = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (heldUp) {
        heldUp.push(chunk);
        return;
      }
      const pending = hold;
      if (pending && !pending.flush && !pending.released) {
        const seen = Buffer.concat([tail, chunk]);
        tail = seen.subarray(Math.max(0, seen.length - pending.marker.length));
        if (seen.includes(pending.marker)) {
          if (pending.at === 'request') heldUp = [chunk];
          else {
            heldDown = [];
            upstream.write(chunk);
          }
          pending.flush = () => {
            for (const held of heldUp ?? []) upstream.write(held);
            for (const held of heldDown ?? []) client.write(held);
            heldUp = undefined;
            heldDown = undefined;
          };
          pending.engage();
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (heldDown) heldDown.push(chunk);
      else client.write(chunk);
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    holdStatement(marker, at) {
      let engage!: () => void;
      const engaged = new Promise<void>((resolve) => {
        engage = resolve;
      });
      const pending: PendingHold = { marker: Buffer.from(marker), at, engage, released: false };
      hold = pending;
      return {
        engaged,
        release() {
          pending.released = true;
          pending.flush?.();
          if (hold === pending) hold = undefined;
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
