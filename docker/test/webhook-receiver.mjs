// Stands in for the outside world on the suite's fleet network: a webhook receiver (every POST is
// kept, headers and body as received, for GET /deliveries) and a slow web page, so a scraper can
// be caught mid-stage (GET /slow-article?ms=N answers after N ms, with once=1 only the first time;
// GET /requests lists its fetches).
import { createServer } from 'node:http';

const deliveries = [];
const articleFetches = [];
const paragraph =
  'Harbour towns along the northern coast are rebuilding their sea walls after a winter of storms. ' +
  'Engineers say the new walls will be two metres higher and will use recycled concrete. ' +
  'The project costs forty million euros and should take three years to finish. ';

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://receiver');
  if (req.method === 'GET' && url.pathname === '/deliveries') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(deliveries));
  } else if (req.method === 'GET' && url.pathname === '/requests') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(articleFetches));
  } else if (req.method === 'GET' && url.pathname === '/slow-article') {
    articleFetches.push({ at: Date.now() });
    const html = `<!doctype html><html><head><title>Sea walls rebuilt</title></head><body><article><h1>Sea walls rebuilt</h1>${'<p>'.concat(paragraph.repeat(4), '</p>').repeat(6)}</article></body></html>`;
    // once=1: only the first fetch is slow (the one a scraper is stopped in); the retry is quick.
    const slow = url.searchParams.get('once') !== '1' || articleFetches.length === 1;
    setTimeout(
      () => res.writeHead(200, { 'content-type': 'text/html' }).end(html),
      slow ? Number(url.searchParams.get('ms') ?? 0) : 0,
    );
  } else if (req.method === 'POST') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push({
        path: url.pathname,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(204).end();
    });
  } else {
    res.writeHead(404).end();
  }
}).listen(8080);
