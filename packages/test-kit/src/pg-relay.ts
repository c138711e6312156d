// A TCP relay in front of PostgreSQL: clients connect to `url` and each connection is relayed to
// the real server. By default the bytes pass unchanged both ways; a caller that reads the wire (the
// benches count statements) or holds it (the fault suite) wires each connection itself, and
// `accept` and `dropAll` make the database unreachable, the way a failover or a blip looks.
import { connect, createServer, type Socket } from 'node:net';

export interface PgRelay {
  /** The database URL with host and port pointing at the relay. */
  url: string;
  /** Destroys every relayed connection, both sides. */
  dropAll(): void;
  close(): Promise<void>;
}

export interface PgRelayOptions {
  /** Asked at each new connection: false closes it at once. */
  accept?: () => boolean;
  /** Wires one client connection to its upstream one (default: each piped into the other). */
  relay?: (client: Socket, upstream: Socket) => void;
}

const pipeBothWays = (client: Socket, upstream: Socket) => {
  client.pipe(upstream);
  upstream.pipe(client);
};

export async function startPgRelay(databaseUrl: string, options: PgRelayOptions = {}): Promise<PgRelay> {
  const { accept = () => true, relay = pipeBothWays } = options;
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (!accept()) {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the relay has no port');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  const dropAll = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    url: url.toString(),
    dropAll,
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
