import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Response, Router } from 'express';
import { HttpProblem } from '../http/problem';
import type { RouteContext } from './context';

// Everything the page loads comes from here: no inline script or style, no other origin.
const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// Swagger UI sets a few style attributes and draws icons as data: images.
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>podfleet API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: false,
  persistAuthorization: false,
  displayOperationId: true,
});
`;

const ONE_YEAR_SEC = 365 * 24 * 3600;

/**
 * The web app at `/` (index.html revalidated each time, hashed assets cached for a year) and the
 * API reference at `/docs` (Swagger UI from its npm package): both work offline.
 */
export function webRouter(ctx: RouteContext): Router {
  const router = Router();
  const webDir = ctx.settings.webDir;
  const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const csp = (res: Response, policy: string) => res.setHeader('Content-Security-Policy', policy);

  // An API set up without a web app (webDir unset) has no page at / (404); one whose web app
  // should be there but is not built is misdeployed (503).
  if (webDir)
    router.get(['/', '/index.html'], (_req, res) => {
      const index = join(webDir, 'index.html');
      if (!existsSync(index))
        throw new HttpProblem(503, {
          type: 'web-app-not-built',
          detail: 'The web app is not built: run `npx -y pnpm@10.34.9 --filter @podfleet/web run build`',
        });
      csp(res, WEB_CSP);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  if (webDir)
    router.use(
      '/assets',
      (_req, res, next) => {
        csp(res, WEB_CSP);
        next();
      },
      express.static(join(webDir, 'assets'), {
        index: false,
        immutable: true,
        maxAge: ONE_YEAR_SEC * 1000,
        fallthrough: true,
      }),
    );

  router.get('/docs', (_req, res) => {
    csp(res, DOCS_CSP);
    res.type('html').send(DOCS_HTML);
  });
  router.get('/docs/init.js', (_req, res) => {
    csp(res, DOCS_CSP);
    res.type('application/javascript').send(DOCS_INIT);
  });
  router.use(
    '/docs/assets',
    (_req, res, next) => {
      csp(res, DOCS_CSP);
      next();
    },
    // Only the two files the page loads, cached for a day (the package version is not in the URL).
    (req, _res, next) =>
      /^\/(swagger-ui\.css|swagger-ui-bundle\.js)$/.test(req.path) ? next() : next('router'),
    express.static(swaggerDir, { index: false, maxAge: 24 * 3600 * 1000 }),
  );
  return router;
}
