import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from './openapi';

// docs/api.md describes the contract around the OpenAPI document, which stays its source of truth:
// every path the document has must be in the page's route table.

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('docs/api.md', () => {
  const page = readFileSync(join(__dirname, '../../../docs/api.md'), 'utf8');
  const paths = Object.keys(openApiDocument('http://localhost:3000').paths ?? {});

  it('names every path of the OpenAPI document', () => {
    expect(paths.length).toBeGreaterThan(30);
    // A path counts when it is followed by something that cannot continue it (`/v1/jobs` is not
    // named by `/v1/jobs/{id}`).
    const missing = paths.filter((path) => !new RegExp(`${escapeRegExp(path)}(?![\\w/{.-])`).test(page));
    expect(missing).toEqual([]);
  });
});
