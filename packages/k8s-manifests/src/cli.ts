// Prints a kustomization rendered by the offline renderer, as a YAML stream for
// `kubectl apply -f -` where kubectl's own kustomize is not at hand:
//   npx -y pnpm@10.34.9 --filter @podfleet/k8s-manifests render docker/k8s/overlays/prod
// Validation is the tests' job (manifests.test.ts): the schema packages load as ES modules only.
import { resolve } from 'node:path';
import { childEnv } from '@podfleet/config';
import { stringify } from 'yaml';
import { renderKustomization } from './kustomize';

const [dir, ...extra] = process.argv.slice(2);
if (!dir || extra.length > 0) {
  process.stderr.write('usage: render <kustomization directory>\n');
  process.exit(2);
}
// pnpm runs package scripts in the package's folder; the path is meant from where the user stands.
const target = resolve(childEnv().INIT_CWD ?? process.cwd(), dir);
try {
  const objects = renderKustomization(target);
  // YAML 1.1 quoting: kubectl reads `yes`, `on`, `y` unquoted as booleans.
  process.stdout.write(objects.map((o) => stringify(o, { lineWidth: 0, version: '1.1' })).join('---\n'));
} catch (err) {
  process.stderr.write(`render: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
