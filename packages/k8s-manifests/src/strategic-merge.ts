/**
 * Strategic merge patch, for the part of it docker/k8s uses: maps merge key by key, `null`
 * deletes a key, scalars and lists without a merge key are replaced, and the pod-spec lists below
 * merge their items by key, as Kubernetes (and so kustomize) does for these fields. Anything
 * else (a `$patch` directive, a list whose merge behaviour is not listed here) is refused rather
 * than guessed: the renderer must either do what kustomize does or say it cannot.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Lists that Kubernetes merges item by item, by the field that identifies an item. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  env: 'name',
};

/** Lists that Kubernetes replaces whole in a strategic merge patch (no patch strategy). */
const REPLACED_LISTS = new Set(['args', 'command', 'envFrom', 'accessModes', 'policyTypes']);

export class UnsupportedPatchError extends Error {
  constructor(path: string, what: string) {
    super(`strategic merge at ${path || '(root)'}: ${what} is not supported by this renderer`);
    this.name = 'UnsupportedPatchError';
  }
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeList(target: Json[], patch: Json[], field: string, path: string): Json[] {
  const key = MERGE_KEYS[field];
  if (key === undefined) {
    if (REPLACED_LISTS.has(field)) return patch;
    throw new UnsupportedPatchError(path, `merging the list "${field}"`);
  }
  const id = (item: Json, where: string): Json => {
    if (!isObject(item) || item[key] === undefined) {
      throw new UnsupportedPatchError(where, `an item of "${field}" without its merge key "${key}"`);
    }
    return item[key];
  };
  // kustomize's order: the patch's items first (merged into their targets), then the target's
  // items the patch does not name, in their own order.
  const remaining = [...target];
  const merged = patch.map((item, i) => {
    const itemPath = `${path}[${i}]`;
    const at = remaining.findIndex((existing) => id(existing, path) === id(item, itemPath));
    if (at < 0) return mergeValue(undefined, item, field, itemPath);
    const [existing] = remaining.splice(at, 1);
    return mergeValue(existing, item, field, itemPath);
  });
  return [...merged, ...remaining];
}

function mergeValue(target: Json | undefined, patch: Json, field: string, path: string): Json {
  if (isObject(patch)) {
    const base = isObject(target) ? target : {};
    return mergeObject(base, patch, path);
  }
  if (Array.isArray(patch) && Array.isArray(target)) return mergeList(target, patch, field, path);
  return patch;
}

function mergeObject(target: JsonObject, patch: JsonObject, path: string): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (key.startsWith('$')) throw new UnsupportedPatchError(keyPath, `the directive "${key}"`);
    if (value === null) {
      delete result[key];
      continue;
    }
    result[key] = mergeValue(result[key], value, key, keyPath);
  }
  return result;
}

/** Applies `patch` to `target` (neither is modified) and returns the merged object. */
export function strategicMerge(target: JsonObject, patch: JsonObject): JsonObject {
  return mergeObject(target, patch, '');
}
