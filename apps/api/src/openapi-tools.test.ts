// The OpenAPI document as standard tools take it: Redocly's linter (recommended rules) finds no
// error, every operation has a unique operationId, and the web app's client types are generated
// from it the same way every time.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '@podfleet/test-kit';
import { openApiDocument } from './openapi';

const run = promisify(execFile);

/** Runs scripts/openapi-tools.mjs (ES-module tools, run outside Jest): its exit code and output. */
const tools = (args: string[]) =>
  run(process.execPath, [join(__dirname, '..', 'scripts', 'openapi-tools.mjs'), ...args]).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  );

let temp: { dir: string; remove(): Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir('pf-openapi-tools-');
});
afterAll(() => temp.remove());

/** Writes a document to a file of the temp dir; returns its path. */
function saved(name: string, doc: unknown): string {
  const file = join(temp.dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const operations = (doc: ReturnType<typeof openApiDocument>) =>
  Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { operationId?: string }>).map(([method, op]) => ({
      method,
      path,
      operationId: op.operationId,
    })),
  );

describe('OpenAPI document', () => {
  it('passes Redocly lint (recommended rules) with 0 errors and no operation lacking an operationId', async () => {
    const { code, stdout } = await tools(['lint', saved('served.json', openApiDocument('/'))]);
    expect(stdout).toMatch(/^0 errors, \d+ warnings$/m);
    expect(stdout).not.toContain('operation-operationId');
    expect(code).toBe(0);
  });

  it('the linter fails a document with a 3.2 keyword in a 3.1 document', async () => {
    const doc = openApiDocument('/');
    const events = doc.paths?.['/v1/jobs/{id}/events']?.get?.responses?.['200'] as {
      content: Record<string, Record<string, unknown>>;
    };
    const stream = events.content['text/event-stream'];
    if (!stream) throw new Error('the SSE response lost its media type');
    stream.itemSchema = { $ref: '#/components/schemas/ProgressEvent' };
    const { code, stdout } = await tools(['lint', saved('itemschema.json', doc)]);
    expect(stdout).toMatch(/^error struct: Property `itemSchema` is not expected here/m);
    expect(stdout).toMatch(/^1 errors, /m);
    expect(code).toBe(1);
  });

  it('names every operation with a unique operationId', () => {
    const ops = operations(openApiDocument('/'));
    expect(ops.length).toBeGreaterThan(40);
    expect(ops.filter((op) => !op.operationId)).toEqual([]);
    expect(new Set(ops.map((op) => op.operationId)).size).toBe(ops.length);
  });

  it("generates the web app's client types deterministically, with a type for every operation", async () => {
    // The types are not in git: turbo, the bootstrap and the image build generate them, so the
    // same document must always give the same file (no dates, no ordering left to chance).
    const doc = openApiDocument('/');
    const file = saved('client.json', doc);
    const first = join(temp.dir, 'first', 'schema.ts');
    const second = join(temp.dir, 'second', 'schema.ts');
    expect(await tools(['client', file, first])).toEqual({ code: 0, stdout: `wrote ${first}\n` });
    expect(await tools(['client', file, second])).toEqual({ code: 0, stdout: `wrote ${second}\n` });
    const types = readFileSync(first, 'utf8');
    expect(readFileSync(second, 'utf8')).toBe(types);
    const declared = types.slice(types.indexOf('export interface operations {'));
    for (const { operationId } of operations(doc)) expect(declared).toContain(`    ${operationId}: {`);
  });
});
