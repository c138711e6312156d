// Counts the SQL statements clients send to PostgreSQL, from a TCP relay in front of it that reads
// the frontend side of the wire protocol. pg_stat_database counts transactions, not statements,
// and pg_stat_statements needs shared_preload_libraries (a server restart), so the count is taken
// on the wire: every 'Q' (simple query) and every 'E' (extended-protocol Execute) is one statement
// run. Prisma and node-postgres send the extended protocol (Parse/Bind/Execute), so a prepared
// statement run again is still counted at each Execute. A 'Q' holding several statements separated
// by ';' counts once (the fleet sends none: migrations run before the bench starts).
import { startPgRelay } from '@podfleet/test-kit';

export interface StatementCounts {
  statements: number;
  /** By the statement's first keyword: SELECT, INSERT, UPDATE, DELETE, BEGIN, COMMIT, … */
  byKind: Record<string, number>;
}

export interface StatementCountingProxy {
  /** The database URL with host and port pointing at the proxy. */
  url: string;
  counts(): StatementCounts;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

function kindOf(sql: string): string {
  return /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';
}

/** Reads one connection's frontend messages and adds its statements to `counts`. */
function frontendReader(counts: StatementCounts, forward: (bytes: Buffer) => void, refuseTls: () => void) {
  let pending: Buffer = Buffer.alloc(0);
  let started = false;
  // The SQL behind each prepared statement and each bound portal ('' is the unnamed one).
  const statements = new Map<string, string>();
  const portals = new Map<string, string>();
  const count = (sql: string) => {
    const kind = kindOf(sql);
    counts.statements++;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
  };
  const cString = (body: Buffer, from: number): [string, number] => {
    const end = body.indexOf(0, from);
    return [body.toString('utf8', from, end), end + 1];
  };
  return (chunk: Buffer) => {
    if (started) forward(chunk);
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (!started) {
        // The startup message has no type byte: length, then a protocol code.
        if (pending.length < 8 || pending.length < pending.readInt32BE(0)) return;
        const length = pending.readInt32BE(0);
        const code = pending.readInt32BE(4);
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          // An encrypted stream could not be read: the client is told no and goes on in plain text.
          refuseTls();
          continue;
        }
        started = true;
        forward(Buffer.concat([message, pending]));
        continue;
      }
      if (pending.length < 5) return;
      const length = pending.readInt32BE(1) + 1;
      if (pending.length < length) return;
      const type = String.fromCharCode(pending[0]!);
      const body = pending.subarray(5, length);
      pending = pending.subarray(length);
      if (type === 'Q') count(cString(body, 0)[0]);
      else if (type === 'P') {
        const [name, next] = cString(body, 0);
        statements.set(name, cString(body, next)[0]);
      } else if (type === 'B') {
        const [portal, next] = cString(body, 0);
        portals.set(portal, statements.get(cString(body, next)[0]) ?? '');
      } else if (type === 'E') count(portals.get(cString(body, 0)[0]) ?? '');
    }
  };
}

export async function startStatementCountingProxy(databaseUrl: string): Promise<StatementCountingProxy> {
  const counts: StatementCounts = { statements: 0, byKind: {} };
  const relay = await startPgRelay(databaseUrl, {
    relay: (client, upstream) => {
      client.on(
        'data',
        frontendReader(
          counts,
          (bytes) => upstream.write(bytes),
          () => client.write('N'),
        ),
      );
      upstream.pipe(client);
    },
  });
  return {
    url: relay.url,
    counts: () => ({ statements: counts.statements, byKind: { ...counts.byKind } }),
    close: relay.close,
  };
}
