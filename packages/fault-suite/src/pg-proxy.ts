// A TCP relay in front of the real PostgreSQL: the workers connect through it, and the suite
// cuts it to make the database unreachable for a while (established connections are dropped,
// new ones are closed at once), the way a failover or a network blip looks to a client. It can
// also hold one statement (found by a name in its bytes: the hot statements' prepared names), so
// a scenario can kill the process that sent it at an exact point: before the statement ran, or
// after it committed but before its client heard.
import type { Socket } from 'node:net';
import { startPgRelay } from '@podfleet/test-kit';

export interface StatementHold {
  /** Resolves once a connection sent the statement: from then on that connection is held. */
  engaged: Promise<void>;
  /** Resolves once the held connection's client is gone: a request held then never runs. */
  clientGone: Promise<void>;
  /** Lets the held bytes through (to a client still there) and ends the hold. */
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
  clientGone(): void;
  /** Set once engaged: flushes what was held. */
  flush?: () => void;
  released: boolean;
}

export async function startPgProxy(databaseUrl: string): Promise<PgProxy> {
  let down = false;
  let hold: PendingHold | undefined;

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
          // A client killed while its request is held never had it run: drop it, whatever
          // order the kill's socket close and the scenario's release come in.
          client.once('close', () => {
            heldUp = undefined;
            pending.clientGone();
          });
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
  const pg = await startPgRelay(databaseUrl, { accept: () => !down, relay });
  return {
    url: pg.url,
    cut() {
      down = true;
      pg.dropAll();
    },
    restore() {
      down = false;
    },
    holdStatement(marker, at) {
      let engage!: () => void;
      let clientGone!: () => void;
      const engaged = new Promise<void>((resolve) => {
        engage = resolve;
      });
      const gone = new Promise<void>((resolve) => {
        clientGone = resolve;
      });
      const pending: PendingHold = { marker: Buffer.from(marker), at, engage, clientGone, released: false };
      hold = pending;
      return {
        engaged,
        clientGone: gone,
        release() {
          pending.released = true;
          pending.flush?.();
          if (hold === pending) hold = undefined;
        },
      };
    },
    close: pg.close,
  };
}
