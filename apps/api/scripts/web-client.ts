// Writes the web app's typed API client types (apps/web/src/api/generated/schema.ts) from the
// OpenAPI document this API serves; the OpenAPI test fails while they differ.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../src/openapi';

const WEB_CLIENT_SCHEMA = join(__dirname, '..', '..', 'web', 'src', 'api', 'generated', 'schema.ts');

const dir = mkdtempSync(join(tmpdir(), 'pf-openapi-'));
try {
  const doc = join(dir, 'openapi.json');
  writeFileSync(doc, JSON.stringify(openApiDocument('/')));
  execFileSync(process.execPath, [join(__dirname, 'openapi-tools.mjs'), 'client', doc, WEB_CLIENT_SCHEMA], {
    stdio: 'inherit',
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
