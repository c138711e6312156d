import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isObject, type Json, type JsonObject, strategicMerge } from './strategic-merge';

/**
 * A minimal kustomize: renders a kustomization directory for exactly the fields docker/k8s uses
 * (resources, namespace, patches by strategic merge, images), so the tests need no kubectl or
 * network. Every other field, and every patch form it does not implement, is an error naming it:
 * a kustomization that uses more must extend this renderer (and its parity test against kubectl
 * kustomize), not be rendered approximately.
 */

export type K8sObject = JsonObject & {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string };
};

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'patches', 'images']);
const IMAGE_FIELDS = new Set(['name', 'newName', 'newTag', 'digest']);
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Kinds without a namespace among those a kustomization here could hold; others get one. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'PriorityClass',
  'StorageClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

/** Whether objects of `kind` live outside any namespace (kustomize leaves their namespace unset). */
export const isClusterScoped = (kind: string): boolean => CLUSTER_SCOPED.has(kind);

export class KustomizeError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'KustomizeError';
  }
}

/** `Kind/name` (with the namespace when set): how errors and tests name an object. */
export function objectId(object: K8sObject): string {
  const ns = object.metadata.namespace;
  return `${object.kind}/${typeof ns === 'string' ? `${ns}/` : ''}${object.metadata.name}`;
}

function asK8sObject(value: Json, where: string): K8sObject {
  if (
    !isObject(value) ||
    typeof value.apiVersion !== 'string' ||
    typeof value.kind !== 'string' ||
    !isObject(value.metadata) ||
    typeof value.metadata.name !== 'string'
  ) {
    throw new KustomizeError(where, 'expected a Kubernetes object with apiVersion, kind and metadata.name');
  }
  return value as K8sObject;
}

/** Every document of a YAML file (comment-only documents skipped), aliases resolved. */
export function readYamlDocuments(file: string): Json[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  if (!Array.isArray(docs)) throw new KustomizeError(file, 'not a YAML stream');
  const values: Json[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new KustomizeError(file, doc.errors.map((e) => e.message).join('; '));
    const value = doc.toJS() as Json;
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

function readKustomization(dir: string): JsonObject {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(dir, 'no kustomization.yaml');
  const [doc, ...extra] = readYamlDocuments(file);
  if (!isObject(doc) || extra.length > 0) throw new KustomizeError(file, 'expected one YAML map');
  if (doc.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || doc.kind !== 'Kustomization') {
    throw new KustomizeError(file, 'expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization');
  }
  const unsupported = Object.keys(doc).filter((key) => !SUPPORTED_FIELDS.has(key));
  if (unsupported.length > 0) {
    throw new KustomizeError(file, `field(s) ${unsupported.join(', ')} not supported by this renderer`);
  }
  return doc;
}

function stringList(value: Json | undefined, what: string, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new KustomizeError(file, `${what} must be a list of strings`);
  }
  return value as string[];
}

function loadResources(dir: string, kustomization: JsonObject, file: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const entry of stringList(kustomization.resources, 'resources', file)) {
    if (/^[a-z]+:\/\//i.test(entry)) throw new KustomizeError(file, `remote resource ${entry} not supported`);
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new KustomizeError(file, `resource ${entry} does not exist`);
    if (statSync(path).isDirectory()) {
      objects.push(...renderKustomization(path));
    } else {
      for (const doc of readYamlDocuments(path)) objects.push(asK8sObject(doc, path));
    }
  }
  return objects;
}

function applyPatches(
  dir: string,
  objects: K8sObject[],
  kustomization: JsonObject,
  file: string,
): K8sObject[] {
  const patches = kustomization.patches ?? [];
  if (!Array.isArray(patches)) throw new KustomizeError(file, 'patches must be a list');
  let result = objects;
  patches.forEach((entry, i) => {
    const where = `${file} patches[${i}]`;
    if (!isObject(entry)) throw new KustomizeError(where, 'expected a map');
    const extra = Object.keys(entry).filter((key) => key !== 'path' && key !== 'patch');
    if (extra.length > 0) throw new KustomizeError(where, `${extra.join(', ')} not supported (no targets)`);
    const source =
      typeof entry.path === 'string'
        ? { docs: readYamlDocuments(resolve(dir, entry.path)), name: entry.path }
        : typeof entry.patch === 'string'
          ? { docs: parseAllDocuments(entry.patch).map((d) => d.toJS() as Json), name: 'inline patch' }
          : undefined;
    if (source?.docs.length !== 1) {
      throw new KustomizeError(where, 'expected path or patch holding one strategic merge patch');
    }
    const patch = asK8sObject(source.docs[0] ?? null, `${where} (${source.name})`);
    const matches = result.filter(
      (o) =>
        o.apiVersion === patch.apiVersion && o.kind === patch.kind && o.metadata.name === patch.metadata.name,
    );
    if (matches.length !== 1) {
      throw new KustomizeError(
        where,
        `${patch.apiVersion} ${patch.kind}/${patch.metadata.name} matches ${matches.length} resources (expected 1)`,
      );
    }
    const [target] = matches as [K8sObject];
    const merged = strategicMerge(target, patch) as K8sObject;
    result = result.map((o) => (o === target ? merged : o));
  });
  return result;
}

function applyNamespace(objects: K8sObject[], kustomization: JsonObject, file: string): K8sObject[] {
  const namespace = kustomization.namespace;
  if (namespace === undefined) return objects;
  if (typeof namespace !== 'string') throw new KustomizeError(file, 'namespace must be a string');
  return objects.map((object) => {
    if (object.kind === 'Namespace') {
      // kustomize renames Namespace objects to the namespace; a differing name is surely a mistake.
      if (object.metadata.name !== namespace) {
        throw new KustomizeError(
          file,
          `Namespace ${object.metadata.name} differs from namespace ${namespace}`,
        );
      }
      return object;
    }
    if (CLUSTER_SCOPED.has(object.kind)) return object;
    return { ...object, metadata: { ...object.metadata, namespace } };
  });
}

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  const hasTag = colon > ref.lastIndexOf('/');
  return {
    name: hasTag ? ref.slice(0, colon) : ref,
    ...(hasTag ? { tag: ref.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

function retag(image: string, rules: ImageRule[]): string {
  const current = splitImage(image);
  const rule = rules.find((r) => r.name === current.name);
  if (!rule) return image;
  const name = rule.newName ?? current.name;
  if (rule.digest) return `${name}@${rule.digest}`;
  if (rule.newTag) return `${name}:${rule.newTag}`;
  return `${name}${current.tag ? `:${current.tag}` : ''}${current.digest ? `@${current.digest}` : ''}`;
}

function retagAll(value: Json, rules: ImageRule[]): Json {
  if (Array.isArray(value)) return value.map((item) => retagAll(item, rules));
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    result[key] =
      CONTAINER_LISTS.has(key) && Array.isArray(child)
        ? child.map((c) =>
            isObject(c) && typeof c.image === 'string'
              ? (retagAll({ ...c, image: retag(c.image, rules) }, rules) as JsonObject)
              : retagAll(c, rules),
          )
        : retagAll(child, rules);
  }
  return result;
}

function applyImages(objects: K8sObject[], kustomization: JsonObject, file: string): K8sObject[] {
  const images = kustomization.images ?? [];
  if (!Array.isArray(images)) throw new KustomizeError(file, 'images must be a list');
  const rules = images.map((rule, i): ImageRule => {
    const where = `${file} images[${i}]`;
    if (!isObject(rule) || typeof rule.name !== 'string') throw new KustomizeError(where, 'expected a name');
    const unknown = Object.keys(rule).filter((key) => !IMAGE_FIELDS.has(key));
    if (unknown.length > 0) throw new KustomizeError(where, `${unknown.join(', ')} not supported`);
    for (const key of ['newName', 'newTag', 'digest'] as const) {
      if (rule[key] !== undefined && typeof rule[key] !== 'string') {
        throw new KustomizeError(where, `${key} must be a string (quote a numeric tag)`);
      }
    }
    return rule as unknown as ImageRule;
  });
  if (rules.length === 0) return objects;
  return objects.map((object) => retagAll(object, rules) as K8sObject);
}

/** kustomize's default ("legacy") output order: these kinds first, in this order, ... */
const ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
/** ... these last, every other kind in between; ties by group, version, kind, namespace, name. */
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function orderKey(object: K8sObject): [number, string] {
  const first = ORDER_FIRST.indexOf(object.kind);
  const last = ORDER_LAST.indexOf(object.kind);
  const rank = first >= 0 ? first : last >= 0 ? ORDER_FIRST.length + 1 + last : ORDER_FIRST.length;
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const ns = typeof object.metadata.namespace === 'string' ? object.metadata.namespace : '';
  return [rank, [group, version, object.kind, ns, object.metadata.name].join('\u0000')];
}

export function sortLikeKustomize(objects: readonly K8sObject[]): K8sObject[] {
  return [...objects].sort((a, b) => {
    const [rankA, keyA] = orderKey(a);
    const [rankB, keyB] = orderKey(b);
    return rankA - rankB || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0);
  });
}

/**
 * Renders the kustomization in `dir`: its resources (files, or directories rendered
 * recursively), then its patches, then namespace and images, as kustomize applies them, in
 * kustomize's output order (Namespaces first, so `kubectl apply -f` of the output works).
 */
export function renderKustomization(dir: string): K8sObject[] {
  const root = resolve(dir);
  const kustomization = readKustomization(root);
  const file = relative(process.cwd(), join(root, 'kustomization.yaml')) || 'kustomization.yaml';
  let objects = loadResources(root, kustomization, file);
  objects = applyPatches(root, objects, kustomization, file);
  objects = applyNamespace(objects, kustomization, file);
  objects = applyImages(objects, kustomization, file);
  const seen = new Set<string>();
  for (const object of objects) {
    const id = `${object.apiVersion} ${objectId(object)}`;
    if (seen.has(id)) throw new KustomizeError(file, `${id} is defined twice`);
    seen.add(id);
  }
  return sortLikeKustomize(objects);
}
