// The baseline of bench/api.ts: a bare Express app answering 202 with a small JSON body, so the
// ticket latency can be read as a ratio over what Express and the loopback cost anyway.
import express from 'express';

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/v1/episodes', (_req, res) => {
  res
    .status(202)
    .json({ jobId: 'bare', status: 'queued', pollUrl: '/v1/jobs/bare', eventsUrl: '/v1/jobs/bare/events' });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'ready', port, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
