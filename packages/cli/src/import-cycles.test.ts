import { execFile } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '@podfleet/test-kit';

// The repository has no import cycle, and a new one fails `npm test`: Biome's noImportCycles
// (biome.json, type-only imports included) runs in `biome ci` and here on its own, so a cycle is
// reported by name. Across packages a cycle cannot form: pnpm links only declared dependencies
// and turbo refuses a cyclic package graph.
const REPO = resolve(__dirname, '../../..');
const BIOME = join(REPO, 'node_modules/.bin/biome');

/** Biome's import-cycle diagnostics for `dir`, one line per file that is part of a cycle. */
async function importCycles(dir: string, config = dir): Promise<string[]> {
  const args = ['lint', '--only=suspicious/noImportCycles', '--max-diagnostics=200', '--colors=off'];
  const run = await promisify(execFile)(BIOME, [...args, `--config-path=${config}`, '.'], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stdout: string; stderr: string }) => err);
  return `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => line.includes('lint/suspicious/noImportCycles'))
    .map((line) => line.split(' ')[0]!);
}

it('finds no import cycle in the repository', async () => {
  expect(await importCycles(REPO)).toEqual([]);
}, 120_000);

it("reports a cycle with the repository's rules, also one made of type-only imports", async () => {
  const tmp = await makeTempDir('pf-cycles-');
  try {
    await copyFile(join(REPO, 'biome.json'), join(tmp.dir, 'biome.json'));
    await writeFile(join(tmp.dir, 'a.ts'), "import { b } from './b';\nexport const a = () => b();\n");
    await writeFile(join(tmp.dir, 'b.ts'), "import type { C } from './c';\nexport const b = (): C => 1;\n");
    await writeFile(
      join(tmp.dir, 'c.ts'),
      "import type { a } from './a';\nexport type C = ReturnType<typeof a>;\n",
    );
    await writeFile(join(tmp.dir, 'd.ts'), "import { a } from './a';\nexport const d = a;\n");
    const cycles = await importCycles(tmp.dir);
    expect(cycles.map((at) => at.split(':')[0]).sort()).toEqual(['a.ts', 'b.ts', 'c.ts']);
  } finally {
    await tmp.remove();
  }
}, 120_000);
