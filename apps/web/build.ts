// Builds the web app into dist/: index.html plus content-hashed assets (served with a year-long
// cache). Fails when the page's JavaScript exceeds its budget, gzipped.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The whole page's JavaScript, gzipped (issue #15). */
export const JS_BUDGET_BYTES = 150 * 1024;

const dist = join(__dirname, 'dist');

async function main() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const result = await build({
    entryPoints: { app: join(__dirname, 'src', 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome111', 'firefox115', 'safari16'],
    outdir: join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs);
  const js = outputs.filter((f) => f.endsWith('.js'));
  const css = outputs.filter((f) => f.endsWith('.css'));
  const jsGzip = js.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
  const asset = (f: string) => `/assets/${basename(f)}`;
  // No inline script or style: the page runs under a CSP of 'self' only.
  writeFileSync(
    join(dist, 'index.html'),
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>podfleet</title>
<meta name="description" content="Turn sources into podcast episodes: create, follow, listen.">
${css.map((f) => `<link rel="stylesheet" href="${asset(f)}">`).join('\n')}
${js.map((f) => `<script type="module" src="${asset(f)}"></script>`).join('\n')}
</head>
<body>
<div id="app"></div>
<noscript>This page needs JavaScript; the API itself is documented at <a href="/docs">/docs</a>.</noscript>
</body>
</html>
`,
  );
  const report = { jsGzipBytes: jsGzip, jsBudgetBytes: JS_BUDGET_BYTES, assets: outputs.map(asset) };
  writeFileSync(join(dist, 'build.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `web: ${js.length} script(s), ${(jsGzip / 1024).toFixed(1)} KB gzipped (budget ${JS_BUDGET_BYTES / 1024} KB)`,
  );
  if (jsGzip > JS_BUDGET_BYTES) {
    console.error('web: the JavaScript is over its budget');
    process.exit(1);
  }
}

void main();
