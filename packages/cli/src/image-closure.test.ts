// Each app's image holds its production dependency closure (`pnpm deploy --prod`, see
// docker/Dockerfile), as the lockfile resolves it. The TTS engines and ffmpeg are the audio
// image's alone: every other image would carry ~85 MB of them for nothing.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';

type Resolved = Record<string, string>;

interface Lockfile {
  importers: Record<
    string,
    {
      dependencies?: Record<string, { version: string }>;
      optionalDependencies?: Record<string, { version: string }>;
    }
  >;
  snapshots: Record<string, { dependencies?: Resolved; optionalDependencies?: Resolved }>;
}

const lockfile = parse(readFileSync(join(__dirname, '..', '..', '..', 'pnpm-lock.yaml'), 'utf8')) as Lockfile;

/** Names of the packages a production install of the workspace package at `importer` gets. */
function productionClosure(importer: string): Set<string> {
  const names = new Set<string>();
  const visited = new Set<string>();
  const visit = (deps: Resolved, from: string | undefined) => {
    for (const [name, version] of Object.entries(deps)) {
      names.add(name);
      if (version.startsWith('link:')) {
        visitImporter(posix.join(from ?? '', version.slice('link:'.length)));
        continue;
      }
      // An alias (`prisma6: npm:prisma@6.19.3`) resolves to `prisma@6.19.3` itself.
      const key = lockfile.snapshots[`${name}@${version}`] ? `${name}@${version}` : version;
      if (visited.has(key)) continue;
      visited.add(key);
      const snapshot = lockfile.snapshots[key];
      if (!snapshot) throw new Error(`${key} is not in pnpm-lock.yaml`);
      visit({ ...snapshot.dependencies, ...snapshot.optionalDependencies }, undefined);
    }
  };
  const visitImporter = (path: string) => {
    if (visited.has(path)) return;
    visited.add(path);
    const entry = lockfile.importers[path];
    if (!entry) throw new Error(`${path} is not a workspace package in pnpm-lock.yaml`);
    const deps = { ...entry.dependencies, ...entry.optionalDependencies };
    visit(Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.version])), path);
  };
  visitImporter(importer);
  return names;
}

const AUDIO_ONLY = [
  '@podfleet/assembly',
  '@podfleet/tts',
  'espeak-ng',
  '@ffmpeg-installer/ffmpeg',
  'node-id3',
];

describe('production dependency closures (what each image ships)', () => {
  it.each(['api', 'scraper', 'uploader'])('%s carries no TTS engine, ffmpeg or assembly', (app) => {
    const closure = productionClosure(`apps/${app}`);
    expect(closure.has('@podfleet/pipeline')).toBe(true);
    expect(AUDIO_ONLY.filter((name) => closure.has(name))).toEqual([]);
  });

  it('audio carries all of them', () => {
    const closure = productionClosure('apps/audio');
    expect(AUDIO_ONLY.filter((name) => !closure.has(name))).toEqual([]);
  });
});
