// pnpm bench:api — the API's ticket latency on loopback, beside a bare Express baseline in the
// same run: POST /v1/episodes (job row + BullMQ flow per request) at 50 connections, the same
// request against a bare handler answering 202, and GET /v1/jobs/:id. Each server runs as its own
// process (the API exactly as `npm start` runs it) on an isolated database and queue prefix;
// autocannon drives them from this process. Prints the numbers and writes bench-results/api.json.
//
// Three loads: "saturated" (50 connections sending as fast as answers come: latency is mostly
// queueing, ≈ 50 / throughput), "paced" (open loop: --rate requests/s evenly spaced over 50
// keep-alive connections, latency from when each request was due; see pacedLoad) and
// "1 connection" (one request at a time: the service time of one ticket).
// Options: --duration <s> (10) --warmup <s> (2) --users <n> (200) --rate <req/s> (100) --rounds <n> (3)
// --cpu-prof (the API writes a CPU profile to bench-results/profiles/).
import type autocannon from 'autocannon';
import {
  argValue,
  CONNECTIONS,
  createUsers,
  load,
  loadAverage,
  machine,
  met,
  type PacedRequest,
  pacedRounds,
  printTable,
  ratio,
  summarize,
  withBenchFleet,
  writeResult,
} from './harness';

const DURATION_SEC = argValue('duration', 10);
const WARMUP_SEC = argValue('warmup', 2);
const USERS = argValue('users', 200);
const RATE = argValue('rate', 100);
const ROUNDS = argValue('rounds', 3);

async function main(): Promise<void> {
  const loadAvgBefore = loadAverage();
  await withBenchFleet('api', async ({ apiUrl, bareUrl, adminKey }) => {
    process.stderr.write(`creating ${USERS} users…\n`);
    const keys = (await createUsers(apiUrl, adminKey, USERS)).map((u) => u.key);

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
    const common = { connections: CONNECTIONS, pipelining: 1 };
    const bareRequest: PacedRequest = {
      method: 'POST',
      path: new URL(bareUrl).pathname,
      headers: { 'content-type': 'application/json' },
      body,
    };

    await load(
      'warm-up',
      { ...common, url: bareUrl, method: 'POST', headers: { 'content-type': 'application/json' }, body },
      WARMUP_SEC,
    );
    await load(
      'warm-up',
      { ...common, url: apiUrl, requests: [{ setupRequest: () => ticketRequest() }] },
      WARMUP_SEC,
    );

    const bareOpts: autocannon.Options = {
      ...common,
      url: bareUrl,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    };
    const ticketOpts: autocannon.Options = {
      ...common,
      url: apiUrl,
      requests: [{ setupRequest: () => ticketRequest() }],
    };
    const bareResult = summarize(await load('bare Express 202, saturated', bareOpts, DURATION_SEC));
    const ticketResult = summarize(await load('POST /v1/episodes, saturated', ticketOpts, DURATION_SEC));
    const bareSerial = summarize(
      await load('bare Express 202, 1 connection', { ...bareOpts, connections: 1 }, DURATION_SEC),
    );
    const ticketSerial = summarize(
      await load('POST /v1/episodes, 1 connection', { ...ticketOpts, connections: 1 }, DURATION_SEC),
    );
    const paced = { rate: RATE, connections: CONNECTIONS, durationSec: DURATION_SEC };
    const [barePaced, ticketPaced] = await pacedRounds(
      ROUNDS,
      [
        { label: `bare Express 202, ${RATE} req/s`, baseUrl: bareUrl, next: () => ({ ...bareRequest }) },
        { label: `POST /v1/episodes, ${RATE} req/s`, baseUrl: apiUrl, next: ticketRequest },
      ],
      paced,
    );
    if (!barePaced || !ticketPaced) throw new Error('paced rounds missing');

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
          ...common,
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

    const result = {
      benchmark: 'api',
      at: new Date().toISOString(),
      machine: machine(loadAvgBefore),
      connections: CONNECTIONS,
      durationSec: DURATION_SEC,
      users: USERS,
      pacedRatePerSec: RATE,
      saturated: { bareExpress202: bareResult, postEpisodesTicket: ticketResult, getJob: getResult },
      paced: { bareExpress202: barePaced, postEpisodesTicket: ticketPaced },
      serial: { bareExpress202: bareSerial, postEpisodesTicket: ticketSerial },
      ratio: {
        saturatedP50: ratio(ticketResult.p50Ms, bareResult.p50Ms),
        saturatedP99: ratio(ticketResult.p99Ms, bareResult.p99Ms),
        pacedP50: ratio(ticketPaced.p50Ms, barePaced.p50Ms),
        pacedP99: ratio(ticketPaced.p99Ms, barePaced.p99Ms),
        serialP50: ratio(ticketSerial.p50Ms, bareSerial.p50Ms),
        serialP99: ratio(ticketSerial.p99Ms, bareSerial.p99Ms),
      },
      target: {
        ticketP99Ms: 10,
        saturatedMet: ticketResult.p99Ms <= 10,
        pacedMet: ticketPaced.p99Ms <= 10,
        serialMet: ticketSerial.p99Ms <= 10,
      },
    };
    printTable([
      ['bare Express 202 (saturated)', bareResult],
      ['POST /v1/episodes (saturated)', ticketResult],
      ['GET /v1/jobs/:id (saturated)', getResult],
      [`bare Express 202 (${RATE} req/s)`, barePaced],
      [`POST /v1/episodes (${RATE} req/s)`, ticketPaced],
      ['bare Express 202 (1 connection)', bareSerial],
      ['POST /v1/episodes (1 connection)', ticketSerial],
    ]);
    process.stdout.write(
      `ticket p99 / bare p99: saturated ${result.ratio.saturatedP99}x, paced ${result.ratio.pacedP99}x, serial ${result.ratio.serialP99}x; ` +
        `target ticket p99 <= 10 ms: saturated ${met(result.target.saturatedMet)}, paced ${met(result.target.pacedMet)}, serial ${met(result.target.serialMet)}\n` +
        `paced p99 by round: bare ${barePaced.p99ByRound.join(' / ')} ms, ticket ${ticketPaced.p99ByRound.join(' / ')} ms (median round shown)\n`,
    );
    await writeResult('api', result);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:api failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
