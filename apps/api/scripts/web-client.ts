// Writes the web app's typed API client types (apps/web/src/api/generated/schema.ts, not in git)
// from the OpenAPI document this API serves. Run as the web app's `generate` script, which turbo,
// the bootstrap and the image build run before the web app is type-checked or built.
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
