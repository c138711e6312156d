import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createHttpServer } from './server';

/** Serves one GET through `server` and reports the prototypes the objects had on arrival. */
async function firstRequest(server: Server) {
  let arrived: { req: object | null; res: object | null } = { req: null, res: null };
  // Runs before Express's own listener, which would re-prototype both objects.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    arrived = { req: Object.getPrototypeOf(req), res: Object.getPrototypeOf(res) };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/echo?x=1`, { headers: { 'x-probe': 'yes' } });
    return { arrived, status: res.status, body: await res.json() };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function echoApp(): express.Express {
  const app = express();
  // Express's request and response helpers must work on objects the server created.
  app.get('/echo', (req, res) => {
    res.status(200).json({ probe: req.get('x-probe'), query: req.query, protocol: req.protocol });
  });
  return app;
}

describe('createHttpServer', () => {
  it("creates requests and responses as the app's own, so Express need not re-prototype them", async () => {
    const app = echoApp();
    const { arrived, status, body } = await firstRequest(createHttpServer(app));
    expect(arrived.req).toBe(app.request);
    expect(arrived.res).toBe(app.response);
    expect(status).toBe(200);
    expect(body).toEqual({ probe: 'yes', query: { x: '1' }, protocol: 'http' });
  });

  it('differs from a plain Node server, whose objects arrive as IncomingMessage and ServerResponse', async () => {
    const app = echoApp();
    const { arrived, status } = await firstRequest(createServer(app));
    expect(arrived.req).toBe(IncomingMessage.prototype);
    expect(arrived.res).toBe(ServerResponse.prototype);
    expect(status).toBe(200);
  });
});
