// Standard tools over an OpenAPI document file; ES modules only, so the tests run this with node
// rather than inside Jest.
//   lint <openapi.json>                    Redocly's recommended rules, as `redocly lint` applies
//                                          them with no configuration; exits 1 on any error.
//   client <openapi.json> <out.ts>         the openapi-typescript types openapi-fetch reads.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';

const HEADER =
  "// Generated from the API's OpenAPI document by apps/api/scripts/web-client.ts: do not edit.\n" +
  '// Regenerate: npx -y pnpm@10.34.9 --filter @podfleet/web run generate\n';

async function lint(file) {
  const problems = await lintFromString({
    source: readFileSync(file, 'utf8'),
    absoluteRef: resolve(file),
    config: await createConfig({ extends: ['recommended'] }),
  });
  for (const p of problems)
    console.log(`${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? ''})`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  console.log(`${errors} errors, ${problems.length - errors} warnings`);
  return errors > 0 ? 1 : 0;
}

async function client(file, out) {
  const generated = HEADER + astToString(await openapiTS(JSON.parse(readFileSync(file, 'utf8'))));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, generated);
  console.log(`wrote ${out}`);
  return 0;
}

const [command, file, out] = process.argv.slice(2);
if (command === 'lint' && file) process.exitCode = await lint(file);
else if (command === 'client' && file && out) process.exitCode = await client(file, out);
else {
  console.error('usage: openapi-tools.mjs lint <openapi.json> | client <openapi.json> <out.ts>');
  process.exitCode = 2;
}
