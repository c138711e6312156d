import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KustomizeError, renderKustomization } from './kustomize';
import { strategicMerge, UnsupportedPatchError } from './strategic-merge';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'podfleet-kustomize-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

const kustomization = (body: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      initContainers:
        - { name: init, image: example/migrate:1 }
      containers:
        - name: app
          image: example/app:latest
          args: [a, b]
          env:
            - { name: A, value: "1" }
            - { name: B, value: "2" }
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
      volumes:
        - { name: tmp, emptyDir: {} }
        - { name: cache, emptyDir: { sizeLimit: 1Gi } }
`;

describe('renderKustomization', () => {
  test('resources from files and directories, namespace on namespaced objects only', () => {
    write({
      'base/kustomization.yaml': kustomization('resources: [app.yaml]\n'),
      'base/app.yaml': `# a comment-only document first\n---\n${deployment}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg, namespace: elsewhere }\ndata: { K: v }\n`,
      'overlay/kustomization.yaml': kustomization('namespace: team\nresources: [ns.yaml, ../base]\n'),
      'overlay/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: team }\n',
    });
    const objects = renderKustomization(join(root, 'overlay'));
    // kustomize's order: Namespace, ConfigMap, ..., Deployment.
    expect(objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([
      ['Namespace', 'team', undefined],
      ['ConfigMap', 'cfg', 'team'],
      ['Deployment', 'web', 'team'],
    ]);
  });

  test('strategic merge patches: maps merge, null deletes, keyed lists merge in kustomize order', () => {
    write({
      'base/kustomization.yaml': kustomization('resources: [app.yaml]\n'),
      'base/app.yaml': deployment,
      'overlay/kustomization.yaml': kustomization('resources: [../base]\npatches:\n  - path: patch.yaml\n'),
      'overlay/patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          args: [c]
          env:
            - { name: B, value: "3" }
            - { name: C, value: "4" }
          volumeMounts:
            - { name: cache, mountPath: /cache }
      volumes:
        - name: cache
          emptyDir: null
          persistentVolumeClaim: { claimName: cache }
`,
    });
    const [web] = renderKustomization(join(root, 'overlay'));
    expect(web?.spec).toEqual({
      replicas: 2,
      template: {
        spec: {
          initContainers: [{ name: 'init', image: 'example/migrate:1' }],
          containers: [
            {
              name: 'app',
              image: 'example/app:latest',
              args: ['c'], // no merge key: replaced
              // The patch's items first (B merged), then the target's others.
              env: [
                { name: 'B', value: '3' },
                { name: 'C', value: '4' },
                { name: 'A', value: '1' },
              ],
              volumeMounts: [
                { name: 'cache', mountPath: '/cache' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'cache', persistentVolumeClaim: { claimName: 'cache' } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    });
  });

  test('inline patches and images (newTag, newName, digest) in containers and init containers', () => {
    write({
      'kustomization.yaml': kustomization(`resources: [app.yaml]
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: web }
      spec: { paused: true }
images:
  - { name: example/app, newName: registry.local:5000/app, newTag: "2.0" }
  - { name: example/migrate, digest: "sha256:abc" }
`),
      'app.yaml': deployment,
    });
    const [web] = renderKustomization(root);
    if (!web) throw new Error('nothing rendered');
    type Spec = { paused: boolean; template: { spec: Record<string, Array<{ image: string }>> } };
    const { paused, template } = web.spec as unknown as Spec;
    const spec = template.spec;
    expect(paused).toBe(true);
    expect(spec.containers?.[0]?.image).toBe('registry.local:5000/app:2.0');
    expect(spec.initContainers?.[0]?.image).toBe('example/migrate@sha256:abc');
  });

  test.each([
    [
      'an unsupported kustomization field',
      'resources: [app.yaml]\nnamePrefix: x-\n',
      /namePrefix not supported/,
    ],
    ['a remote resource', 'resources: [https://example.com/x.yaml]\n', /remote resource/],
    ['a missing resource', 'resources: [nope.yaml]\n', /does not exist/],
    [
      'a patch matching nothing',
      'resources: [app.yaml]\npatches:\n  - patch: "{apiVersion: apps/v1, kind: Deployment, metadata: {name: other}}"\n',
      /matches 0 resources/,
    ],
    [
      'a patch with a target',
      'resources: [app.yaml]\npatches:\n  - path: p.yaml\n    target: { kind: Deployment }\n',
      /target not supported/,
    ],
    [
      'an unsupported image field',
      'resources: [app.yaml]\nimages:\n  - { name: a, tagSuffix: x }\n',
      /tagSuffix/,
    ],
    ['a namespace differing from the Namespace object', 'namespace: a\nresources: [ns.yaml]\n', /differs/],
  ])('refuses %s', (_what, body, message) => {
    write({
      'kustomization.yaml': kustomization(body),
      'app.yaml': deployment,
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: b }\n',
    });
    expect(() => renderKustomization(root)).toThrow(KustomizeError);
    expect(() => renderKustomization(root)).toThrow(message);
  });

  test('refuses an object defined twice', () => {
    write({ 'kustomization.yaml': kustomization('resources: [a.yaml, b.yaml]\n'), 'a.yaml': deployment });
    write({ 'b.yaml': deployment });
    expect(() => renderKustomization(root)).toThrow(/defined twice/);
  });
});

describe('strategicMerge', () => {
  test('refuses what it does not implement instead of guessing', () => {
    const target = { spec: { tolerations: [{ key: 'a' }], containers: [{ name: 'x' }] } };
    expect(() => strategicMerge(target, { spec: { tolerations: [{ key: 'b' }] } })).toThrow(
      UnsupportedPatchError,
    );
    expect(() => strategicMerge(target, { spec: { containers: [{ name: 'x', $patch: 'delete' }] } })).toThrow(
      /directive "\$patch"/,
    );
    expect(() => strategicMerge(target, { spec: { containers: [{ image: 'no-name' }] } })).toThrow(
      /merge key/,
    );
  });

  test('leaves its inputs unchanged', () => {
    const target = { a: { b: 1, c: [1] } };
    const patch = { a: { b: null, d: 2 } };
    expect(strategicMerge(target, patch)).toEqual({ a: { c: [1], d: 2 } });
    expect(target).toEqual({ a: { b: 1, c: [1] } });
    expect(patch).toEqual({ a: { b: null, d: 2 } });
  });
});
