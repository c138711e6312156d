import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type K8sObject, objectId, renderKustomization } from './kustomize';

/**
 * The offline renderer must give what kustomize gives. Where a kustomize is installed (kubectl's
 * built-in `kubectl kustomize`, or the standalone binary), both render every overlay and must
 * agree object for object, in the same order. It runs offline too; without either tool it is
 * skipped (the renderer's own tests in kustomize.test.ts still run).
 */

const K8S_DIR = join(__dirname, '..', '..', '..', 'docker', 'k8s');
const OVERLAYS = ['dev', 'prod'];

function findKustomize(): { command: string; args: string[]; version: string } | undefined {
  const candidates = [
    { command: 'kubectl', args: ['kustomize'], versionArgs: ['version', '--client'] },
    { command: 'kustomize', args: ['build'], versionArgs: ['version'] },
  ];
  for (const { command, args, versionArgs } of candidates) {
    const probe = spawnSync(command, versionArgs, { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return { command, args, version: probe.stdout.trim().replace(/\s+/g, ' ') };
  }
  return undefined;
}

const kustomize = findKustomize();

(kustomize ? describe : describe.skip)(
  `parity with ${kustomize?.command ?? 'kustomize (not installed)'}`,
  () => {
    test.each(OVERLAYS)('overlays/%s renders as kustomize renders it', (overlay) => {
      const dir = join(K8S_DIR, 'overlays', overlay);
      const run = spawnSync(kustomize!.command, [...kustomize!.args, dir], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      // kubectl reads YAML 1.1 (`yes` is a boolean there); kustomize's output is meant for it.
      const theirs = parseAllDocuments(run.stdout, { version: '1.1' })
        .map((doc) => doc.toJS() as K8sObject | null)
        .filter((o): o is K8sObject => o !== null);
      const mine = renderKustomization(dir);
      const id = (o: K8sObject) => `${o.apiVersion} ${objectId(o)}`;
      expect(mine.map(id)).toEqual(theirs.map(id));
      for (const [i, object] of mine.entries())
        expect({ [id(object)]: object }).toEqual({ [id(object)]: theirs[i] });
    });
  },
);

test('says which kustomize the parity check used', () => {
  // Recorded in the test output, so a skipped parity check is visible rather than silent.
  console.info(
    kustomize
      ? `k8s-manifests: parity checked against ${kustomize.command} (${kustomize.version})`
      : 'k8s-manifests: no kubectl or kustomize on PATH; parity with kustomize NOT checked',
  );
  expect(true).toBe(true);
});
