// pnpm bench:api — the API's ticket latency on loopback, beside a bare Express baseline in the
// same run: POST /v1/episodes (job row + BullMQ flow per request) at 50 connections, the same
// request against a bare handler answering 202, the ticket's PostgreSQL and Redis round trips alone
// (bench/deps-server.ts: paced and serially, the floor under the API's own code), and GET
// /v1/jobs/:id. Each server runs as its own
// process (the API exactly as `npm start` runs it) on an isolated database and queue prefix;
// autocannon drives them from this process. Prints the numbers and writes bench-results/api.json.
//
// Three loads: "saturated" (50 connections sending as fast as answers come: latency is mostly
// queueing, ≈ 50 / throughput), "paced" (open loop: --rate requests/s evenly spaced over 50
// keep-alive connections, latency from when each request was due; see pacedLoad) and
// "1 connection" (one request at a time: the service time of one ticket).
// Options: --duration <s> (10) --warmup <s> (2) --users <n> (200) --rate <req/s> (100) --rounds <n> (3)
// --cpu-prof (the API writes a CPU profile to bench-results/profiles/).
import {
  CONNECTIONS,
  compareWithBare,
  createUsers,
  floorLabel,
  load,
  loadOptions,
  type PacedRequest,
  reportComparison,
  runBench,
  summarize,
  withBenchFleet,
  withServer,
} from './harness';

const OPTIONS = loadOptions(100);
const { durationSec: DURATION_SEC, users: USERS, rate: RATE } = OPTIONS;
const TARGET_P99_MS = 10;

async function main(): Promise<void> {
  await withBenchFleet('api', async ({ apiUrl, bareUrl, pids, adminKey, env, loadAvgBefore }) => {
    process.stderr.write(`creating ${USERS} users…\n`);
    const users = await createUsers(apiUrl, adminKey, USERS);
    const keys = users.map((u) => u.key);

    const body = JSON.stringify({
      type: 'custom',
      sources: [
        {
          kind: 'text',
          title: 'Bench',
          text: 'The committee approved the budget on Tuesday after a long debate.',
        },
      ],
    });
    let next = 0;
    // Requests rotate over the users, as a fleet of clients would (one user's submits serialise on its slot lock).
    const ticketRequest = (): PacedRequest => ({
      method: 'POST',
      path: '/v1/episodes',
      headers: { authorization: `Bearer ${keys[next++ % keys.length]}`, 'content-type': 'application/json' },
      body,
    });
    let nextFloor = 0;
    const floorRequest = (): PacedRequest => ({
      method: 'POST',
      path: '/v1/episodes',
      headers: {
        'x-bench-user': users[nextFloor++ % users.length]!.userId,
        'content-type': 'application/json',
      },
      body,
    });
    const comparison = await withServer('deps', 'bench/deps-server.ts', env, (floorUrl, floorPid) =>
      compareWithBare({
        apiUrl,
        bareUrl,
        pids,
        body,
        label: 'POST /v1/episodes',
        next: ticketRequest,
        route: { method: 'POST', pattern: '/v1/episodes' },
        floor: { label: floorLabel, url: floorUrl, next: floorRequest, pid: floorPid },
        ...OPTIONS,
      }),
    );
    const { saturated, paced, serial } = comparison;

    // GET /v1/jobs/:id over jobs of one user.
    const owner = keys[0]!;
    const listed = (await (
      await fetch(`${apiUrl}/v1/jobs?limit=100`, { headers: { authorization: `Bearer ${owner}` } })
    ).json()) as {
      items: Array<{ id: string }>;
    };
    const jobIds = listed.items.map((j) => j.id);
    if (jobIds.length === 0) throw new Error('no jobs to read');
    let j = 0;
    const getResult = summarize(
      await load(
        'GET /v1/jobs/:id',
        {
          connections: CONNECTIONS,
          pipelining: 1,
          url: apiUrl,
          requests: [
            {
              setupRequest: () => ({
                method: 'GET',
                path: `/v1/jobs/${jobIds[j++ % jobIds.length]}`,
                headers: { authorization: `Bearer ${owner}` },
              }),
            },
          ],
        },
        DURATION_SEC,
      ),
    );

    await reportComparison('api', {
      label: 'POST /v1/episodes',
      what: 'ticket',
      comparison,
      targetP99Ms: TARGET_P99_MS,
      targetKey: 'ticketP99Ms',
      rate: RATE,
      options: OPTIONS,
      loadAvgBefore,
      extraRows: [['GET /v1/jobs/:id (saturated)', getResult]],
      result: {
        saturated: {
          bareExpress202: saturated.bare,
          postEpisodesTicket: saturated.target,
          getJob: getResult,
        },
        paced: {
          bareExpress202: paced.bare,
          roundTripsAlone: comparison.floor?.paced,
          postEpisodesTicket: paced.target,
        },
        serial: {
          bareExpress202: serial.bare,
          roundTripsAlone: comparison.floor?.serial,
          postEpisodesTicket: serial.target,
        },
      },
    });
  });
}

runBench('api', main);
