import { join } from 'node:path';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { type ConfigName, envNames, schemas, WORKER_APP_QUEUES } from '@podfleet/config';
import { QUEUE_NAMES } from '@podfleet/queue';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IPriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { checkKnownFields } from './fields';
import { isClusterScoped, type K8sObject, objectId, renderKustomization } from './kustomize';
import { validateObject } from './validate';

/**
 * docker/k8s as the cluster would receive it: each overlay rendered offline, every object checked
 * against the Kubernetes / KEDA / prometheus-operator schemas and for unknown fields, then the
 * rules podfleet depends on (secrets per role, security context, shutdown budget, roles and
 * queues, autoscaling queries, traffic rules, configuration the apps accept).
 */

const K8S_DIR = join(__dirname, '..', '..', '..', 'docker', 'k8s');
const OVERLAYS = ['dev', 'prod'] as const;
type Overlay = (typeof OVERLAYS)[number];
const rendered: Record<Overlay, K8sObject[]> = {
  dev: renderKustomization(join(K8S_DIR, 'overlays', 'dev')),
  prod: renderKustomization(join(K8S_DIR, 'overlays', 'prod')),
};
const NAMESPACES: Record<Overlay, string> = { dev: 'podfleet-dev', prod: 'podfleet' };

// --- What podfleet expects (docs/kubernetes.md's secret layout and roles) -----------------------------

/** Which Secret holds each key (docs/kubernetes.md, "Secrets"). */
const SECRET_OF: Readonly<Record<string, string>> = {
  DATABASE_URL: 'podfleet-datastores',
  REDIS_URL: 'podfleet-datastores',
  S3_ACCESS_KEY_ID: 'podfleet-storage',
  S3_SECRET_ACCESS_KEY: 'podfleet-storage',
  MEDIA_URL_SECRET: 'podfleet-signing',
  WEBHOOK_SECRET: 'podfleet-signing',
  ADMIN_API_KEY: 'podfleet-api',
  CRON_SECRET: 'podfleet-api',
  METRICS_TOKEN: 'podfleet-api',
  BULL_BOARD_USERS: 'podfleet-api',
  BULL_BOARD_VIEWERS: 'podfleet-api',
  CONGRESS_API_KEY: 'podfleet-scrape',
  ANTHROPIC_API_KEY: 'podfleet-script',
  OPENAI_API_KEY: 'podfleet-script',
  ELEVENLABS_API_KEY: 'podfleet-audio',
  OPENAI_TTS_API_KEY: 'podfleet-audio',
  OPENAI_ASR_API_KEY: 'podfleet-audio',
};
/** Every app touches the database, Redis and storage. */
const EVERY_APP = ['DATABASE_URL', 'REDIS_URL', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'];

interface Role {
  app: Exclude<ConfigName, 'base' | 'all'>;
  image: string;
  /** Secret keys the role uses: exactly these, no others. */
  secretKeys: string[];
  /** WORKER_QUEUES; undefined for the API. */
  queues?: string[];
}
const ROLES: Readonly<Record<string, Role>> = {
  'podfleet-api': {
    app: 'api',
    image: 'podfleet/api',
    secretKeys: [
      ...EVERY_APP,
      'ADMIN_API_KEY',
      'CRON_SECRET',
      'METRICS_TOKEN',
      'BULL_BOARD_USERS',
      'BULL_BOARD_VIEWERS',
      'MEDIA_URL_SECRET',
      'WEBHOOK_SECRET',
    ],
  },
  'podfleet-scrape': {
    app: 'scraper',
    image: 'podfleet/scraper',
    secretKeys: [...EVERY_APP, 'CONGRESS_API_KEY'],
    queues: ['scrape', 'pregenerate'],
  },
  'podfleet-script': {
    app: 'scraper',
    image: 'podfleet/scraper',
    secretKeys: [...EVERY_APP, 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY'],
    queues: ['script'],
  },
  'podfleet-audio': {
    app: 'audio',
    image: 'podfleet/audio',
    secretKeys: [...EVERY_APP, 'ELEVENLABS_API_KEY', 'OPENAI_TTS_API_KEY', 'OPENAI_ASR_API_KEY'],
    queues: ['audio', 'clips'],
  },
  'podfleet-uploader': {
    app: 'uploader',
    image: 'podfleet/uploader',
    secretKeys: [...EVERY_APP, 'MEDIA_URL_SECRET', 'WEBHOOK_SECRET'],
    queues: ['upload', 'webhooks'],
  },
};
const WORKERS = Object.keys(ROLES).filter((name) => ROLES[name]?.queues);

/** Shaped like the real values, for overlays whose Secrets are not committed (prod). */
const PLACEHOLDER_SECRETS: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgresql://podfleet:placeholder@postgres.internal:5432/podfleet',
  REDIS_URL: 'rediss://:placeholder@redis.internal:6379',
  S3_ACCESS_KEY_ID: 'placeholder-key-id',
  S3_SECRET_ACCESS_KEY: 'placeholder-secret',
  MEDIA_URL_SECRET: 'placeholder-media-url-secret-0123456789',
  WEBHOOK_SECRET: 'placeholder-webhook-secret-0123456789abc',
  ADMIN_API_KEY: 'placeholder-admin-key',
  CRON_SECRET: 'placeholder-cron-secret',
  METRICS_TOKEN: 'placeholder-metrics-token',
  BULL_BOARD_USERS: 'ops:scrypt$32768$8$1$c2FsdA==$a2V5',
  BULL_BOARD_VIEWERS: '',
  CONGRESS_API_KEY: 'placeholder',
  ANTHROPIC_API_KEY: 'placeholder',
  OPENAI_API_KEY: 'placeholder',
  ELEVENLABS_API_KEY: 'placeholder',
  OPENAI_TTS_API_KEY: 'placeholder',
  OPENAI_ASR_API_KEY: 'placeholder',
};

/** After SHUTDOWN_TIMEOUT_MS a worker hands jobs back, closes BullMQ, drains: 2 s each at most
 * (CLOSE_GRACE_MS in packages/queue/src/worker-runtime.ts). The API's close is shorter. */
const CLOSING_STEPS_MS = 3 * 2_000;
/** The gauge's states (apps/api/src/metrics.ts, QUEUE_STATES). */
const GAUGE_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'waiting-children',
  'completed',
  'failed',
];

// --- Helpers ---------------------------------------------------------------------------------

const ofKind = <T>(objects: K8sObject[], kind: string) =>
  objects.filter((o) => o.kind === kind) as unknown as T[];
const named = (o: { metadata?: { name?: string } }) => o.metadata?.name ?? '';

interface Workload {
  id: string;
  name: string;
  labels: Record<string, string>;
  spec: IPodSpec;
  podfleet: boolean;
}
function workloads(objects: K8sObject[]): Workload[] {
  return [...ofKind<IDeployment>(objects, 'Deployment'), ...ofKind<IStatefulSet>(objects, 'StatefulSet')].map(
    (w) => {
      const labels = (w.spec?.template.metadata?.labels ?? {}) as Record<string, string>;
      return {
        id: `${w.kind}/${named(w)}`,
        name: named(w),
        labels,
        spec: w.spec?.template.spec as IPodSpec,
        podfleet: labels['app.kubernetes.io/name'] === 'podfleet',
      };
    },
  );
}
const allContainers = (spec: IPodSpec): IContainer[] => [...(spec.initContainers ?? []), ...spec.containers];
const appContainer = (w: Workload) => w.spec.containers[0] as IContainer;
const podfleetWorkload = (objects: K8sObject[], name: string) => {
  const w = workloads(objects).find((x) => x.podfleet && x.name === name);
  if (!w) throw new Error(`no Deployment ${name}`);
  return w;
};

function secretRefs(container: IContainer): Array<{ secret: string; key: string; optional: boolean }> {
  return (container.env ?? []).flatMap((e) => {
    const ref = e.valueFrom?.secretKeyRef;
    return ref ? [{ secret: ref.name ?? '', key: ref.key, optional: ref.optional === true }] : [];
  });
}

/** A container's environment as the process sees it: ConfigMaps, then env (values, Secrets). */
function effectiveEnv(objects: K8sObject[], container: IContainer, overlay: Overlay): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.secretRef)
      throw new Error(`${container.name}: envFrom secretRef hands over every key of a Secret`);
    const map = ofKind<IConfigMap>(objects, 'ConfigMap').find((c) => named(c) === from.configMapRef?.name);
    if (!map) throw new Error(`${container.name}: no ConfigMap ${from.configMapRef?.name}`);
    Object.assign(env, map.data);
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    const ref = e.valueFrom?.secretKeyRef;
    if (!ref) continue;
    if (overlay === 'prod') {
      env[e.name] = PLACEHOLDER_SECRETS[ref.key] ?? 'placeholder';
      continue;
    }
    const secret = ofKind<ISecret>(objects, 'Secret').find((s) => named(s) === ref.name);
    const value = secret?.stringData?.[ref.key];
    if (value !== undefined) env[e.name] = value;
    else if (ref.optional !== true)
      throw new Error(`${container.name}: ${ref.name}/${ref.key} is not in the overlay`);
  }
  return env;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
function matches(selector: LabelSelector | undefined) {
  return (labels: Record<string, string>): boolean => {
    for (const [key, value] of Object.entries(selector?.matchLabels ?? {}))
      if (labels[key] !== value) return false;
    for (const expr of selector?.matchExpressions ?? []) {
      if (expr.operator !== 'In')
        throw new Error(`selector operator ${expr.operator} not handled by this test`);
      if (!(expr.values ?? []).includes(labels[expr.key] ?? '\0')) return false;
    }
    return true;
  };
}

/** Kubernetes CPU quantity in cores ('500m', '1', 2). */
function cores(quantity: string | number | undefined): number {
  if (quantity === undefined) return Number.NaN;
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

// --- Tests -----------------------------------------------------------------------------------

describe.each(OVERLAYS)('overlays/%s', (overlay) => {
  const objects = rendered[overlay];

  test('every object validates against its schema (Kubernetes, KEDA, prometheus-operator)', () => {
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.flatMap(validateObject)).toEqual([]);
  });

  test('no object has a field its type does not know (what strict field validation refuses)', () => {
    expect(checkKnownFields(objects)).toEqual([]);
  });

  test('everything lives in the overlay namespace, which enforces Pod Security "restricted"', () => {
    const namespace = NAMESPACES[overlay];
    const [ns, ...others] = ofKind<K8sObject>(objects, 'Namespace');
    expect(others).toEqual([]);
    expect(ns?.metadata.name).toBe(namespace);
    expect(ns?.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    const elsewhere = objects.filter((o) => !isClusterScoped(o.kind) && o.metadata.namespace !== namespace);
    expect(elsewhere.map(objectId)).toEqual([]);
  });

  test('one Deployment per role, each with its image', () => {
    const deployments = workloads(objects).filter((w) => w.podfleet);
    expect(deployments.map((w) => w.name).sort()).toEqual(Object.keys(ROLES).sort());
    for (const w of deployments) {
      const role = ROLES[w.name] as Role;
      expect({ [w.name]: appContainer(w).image?.split(':')[0] }).toEqual({ [w.name]: role.image });
      expect({ [w.name]: w.labels['app.kubernetes.io/component'] }).toEqual({
        [w.name]: w.name.replace('podfleet-', ''),
      });
    }
  });

  test('every container runs as non-root on a read-only root filesystem, no capabilities, RuntimeDefault seccomp', () => {
    const problems: string[] = [];
    for (const w of workloads(objects)) {
      const pod = w.spec.securityContext ?? {};
      if (pod.runAsNonRoot !== true) problems.push(`${w.id}: pod runAsNonRoot`);
      if (!(typeof pod.runAsUser === 'number' && pod.runAsUser > 0))
        problems.push(`${w.id}: numeric non-root uid`);
      if (pod.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${w.id}: seccomp RuntimeDefault`);
      if (w.spec.automountServiceAccountToken !== false)
        problems.push(`${w.id}: service account token mounted`);
      for (const c of allContainers(w.spec)) {
        const sc = c.securityContext ?? {};
        const where = `${w.id} ${c.name}`;
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem`);
        if (sc.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation`);
        if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities not dropped`);
        if (sc.capabilities?.add?.length || sc.privileged) problems.push(`${where}: privileges added`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every container reserves CPU and memory and caps memory; workers cap CPU; the API is never throttled', () => {
    const problems: string[] = [];
    for (const w of workloads(objects)) {
      for (const c of allContainers(w.spec)) {
        const r = c.resources ?? {};
        if (!r.requests?.cpu || !r.requests.memory || !r.limits?.memory) {
          problems.push(`${w.id} ${c.name}: requests cpu+memory and a memory limit`);
        }
      }
    }
    expect(problems).toEqual([]);
    const api = appContainer(podfleetWorkload(objects, 'podfleet-api')).resources;
    expect(api?.limits?.cpu).toBeUndefined();
    const request = (name: string) =>
      cores(appContainer(podfleetWorkload(objects, name)).resources?.requests?.cpu);
    for (const worker of WORKERS) {
      expect({
        [worker]: appContainer(podfleetWorkload(objects, worker)).resources?.limits?.cpu,
      }).not.toEqual({
        [worker]: undefined,
      });
    }
    // The API's reservation is at least any I/O-bound worker's; audio, CPU-bound, reserves the most.
    for (const worker of ['podfleet-scrape', 'podfleet-script', 'podfleet-uploader']) {
      expect(request('podfleet-api')).toBeGreaterThanOrEqual(request(worker));
      expect(request('podfleet-audio')).toBeGreaterThan(request(worker));
    }
  });

  test('no role references a secret key it does not use, and each key comes from its Secret', () => {
    for (const w of workloads(objects).filter((x) => x.podfleet)) {
      const role = ROLES[w.name] as Role;
      const [migrate, ...moreInit] = w.spec.initContainers ?? [];
      expect(moreInit).toEqual([]);
      expect({ [`${w.name} migrate`]: migrate && secretRefs(migrate).map((r) => r.key) }).toEqual({
        [`${w.name} migrate`]: ['DATABASE_URL'],
      });
      const refs = secretRefs(appContainer(w));
      expect({ [w.name]: refs.map((r) => r.key).sort() }).toEqual({ [w.name]: [...role.secretKeys].sort() });
      for (const c of allContainers(w.spec)) {
        expect((c.envFrom ?? []).filter((f) => f.secretRef)).toEqual([]);
        for (const ref of secretRefs(c))
          expect({ [ref.key]: ref.secret }).toEqual({ [ref.key]: SECRET_OF[ref.key] });
      }
    }
    // The rules above, spelled out as docs/kubernetes.md states them.
    const usersOf = (key: string) =>
      workloads(objects)
        .filter((w) => w.podfleet && secretRefs(appContainer(w)).some((r) => r.key === key))
        .map((w) => w.name)
        .sort();
    expect(usersOf('ADMIN_API_KEY')).toEqual(['podfleet-api']);
    expect(usersOf('METRICS_TOKEN')).toEqual(['podfleet-api']);
    expect(usersOf('MEDIA_URL_SECRET')).toEqual(['podfleet-api', 'podfleet-uploader']);
    expect(usersOf('WEBHOOK_SECRET')).toEqual(['podfleet-api', 'podfleet-uploader']);
    expect(usersOf('ANTHROPIC_API_KEY')).toEqual(['podfleet-script']);
    expect(usersOf('CONGRESS_API_KEY')).toEqual(['podfleet-scrape']);
    expect(usersOf('ELEVENLABS_API_KEY')).toEqual(['podfleet-audio']);
    // OpenAI keys: the chat key with the script role only; speech and transcription keys with audio.
    expect(usersOf('OPENAI_API_KEY')).toEqual(['podfleet-script']);
    expect(usersOf('OPENAI_TTS_API_KEY')).toEqual(['podfleet-audio']);
    expect(usersOf('OPENAI_ASR_API_KEY')).toEqual(['podfleet-audio']);
  });

  test("each app accepts its configuration (the apps' own schemas), with known variable names only", () => {
    for (const w of workloads(objects).filter((x) => x.podfleet)) {
      const role = ROLES[w.name] as Role;
      for (const [container, schema] of [
        [appContainer(w), role.app],
        [w.spec.initContainers?.[0], 'base'],
      ] as const) {
        if (!container) throw new Error(`${w.name}: missing container`);
        const env = effectiveEnv(objects, container, overlay);
        const where = `${w.name} ${container.name}`;
        expect({ [where]: Object.keys(env).filter((name) => !envNames.includes(name)) }).toEqual({
          [where]: [],
        });
        const parsed = schemas[schema].safeParse(env);
        expect({
          [where]: parsed.success ? [] : parsed.error.issues.map((i) => `${i.path}: ${i.message}`),
        }).toEqual({
          [where]: [],
        });
      }
    }
  });

  test("workers serve their role's queues, and together every queue", () => {
    const served = new Set<string>();
    for (const name of WORKERS) {
      const w = podfleetWorkload(objects, name);
      const role = ROLES[name] as Role;
      const env = effectiveEnv(objects, appContainer(w), overlay);
      const queues = (env.WORKER_QUEUES ?? '').split(',');
      expect({ [name]: queues }).toEqual({ [name]: role.queues });
      expect(WORKER_APP_QUEUES[role.app as keyof typeof WORKER_APP_QUEUES]).toEqual(
        expect.arrayContaining(queues),
      );
      for (const q of queues) served.add(q);
    }
    expect([...served].sort()).toEqual(QUEUE_NAMES.filter((q) => q !== 'maintenance').sort());
  });

  test('probes: /health for the API, /readyz and /livez on HEALTH_PORT for workers', () => {
    const api = appContainer(podfleetWorkload(objects, 'podfleet-api'));
    const apiPort = api.ports?.find((p) => p.name === api.readinessProbe?.httpGet?.port);
    expect(api.readinessProbe?.httpGet?.path).toBe('/health');
    expect(String(apiPort?.containerPort)).toBe(effectiveEnv(objects, api, overlay).PORT);
    expect(api.livenessProbe).toBeDefined();
    for (const name of WORKERS) {
      const c = appContainer(podfleetWorkload(objects, name));
      const port = (probe: typeof c.livenessProbe) => c.ports?.find((p) => p.name === probe?.httpGet?.port);
      const healthPort = effectiveEnv(objects, c, overlay).HEALTH_PORT;
      expect({
        [name]: [c.readinessProbe?.httpGet?.path, String(port(c.readinessProbe)?.containerPort)],
      }).toEqual({
        [name]: ['/readyz', healthPort],
      });
      expect({
        [name]: [c.livenessProbe?.httpGet?.path, String(port(c.livenessProbe)?.containerPort)],
      }).toEqual({
        [name]: ['/livez', healthPort],
      });
    }
  });

  test('terminationGracePeriodSeconds outlasts the whole graceful stop (preStop + SHUTDOWN_TIMEOUT_MS + closing)', () => {
    for (const w of workloads(objects).filter((x) => x.podfleet)) {
      const c = appContainer(w);
      const shutdownMs = Number(effectiveEnv(objects, c, overlay).SHUTDOWN_TIMEOUT_MS ?? 30_000);
      const sleep = c.lifecycle?.preStop?.exec?.command;
      const preStopMs = sleep?.[0] === 'sleep' ? Number(sleep[1]) * 1000 : 0;
      const budgetMs = preStopMs + shutdownMs + CLOSING_STEPS_MS;
      expect({ [w.name]: (w.spec.terminationGracePeriodSeconds ?? 30) * 1000 > budgetMs }).toEqual({
        [w.name]: true,
      });
    }
    // The API sits behind a Service: it waits for endpoint removal to spread before SIGTERM.
    const api = appContainer(podfleetWorkload(objects, 'podfleet-api'));
    expect(api.lifecycle?.preStop?.exec?.command?.[0]).toBe('sleep');
  });

  test('storage: whatever an app writes is a volume (the root filesystem is read-only)', () => {
    for (const w of workloads(objects).filter((x) => x.podfleet)) {
      for (const c of allContainers(w.spec)) {
        const env = effectiveEnv(objects, c, overlay);
        const written = ['/tmp'];
        if (env.STORAGE_DRIVER === 'fs' && c !== w.spec.initContainers?.[0])
          written.push(env.STORAGE_DIR ?? '');
        if (env.TTS_CACHE_DIR) written.push(env.TTS_CACHE_DIR);
        const mounted = (c.volumeMounts ?? []).filter((m) => !m.readOnly).map((m) => m.mountPath);
        expect({ [`${w.name} ${c.name}`]: written.filter((p) => !mounted.includes(p)) }).toEqual({
          [`${w.name} ${c.name}`]: [],
        });
      }
    }
  });

  test('Deployments an autoscaler owns set no replicas (an apply would reset the count)', () => {
    const scaled = [
      ...ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').map(
        (h) => h.spec?.scaleTargetRef.name,
      ),
      ...ofKind<IScaledObject>(objects, 'ScaledObject').map((s) => s.spec.scaleTargetRef.name),
    ];
    for (const d of ofKind<IDeployment>(objects, 'Deployment').filter((x) => scaled.includes(named(x)))) {
      expect({ [named(d)]: d.spec?.replicas }).toEqual({ [named(d)]: undefined });
    }
  });

  test('API: Service, disruption budget and a CPU autoscaler over it', () => {
    const api = podfleetWorkload(objects, 'podfleet-api');
    const service = ofKind<IService>(objects, 'Service').find((s) => named(s) === 'podfleet-api');
    expect(matches({ matchLabels: service?.spec?.selector })(api.labels)).toBe(true);
    const pdb = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').find((p) =>
      matches(p.spec?.selector)(api.labels),
    );
    expect(pdb).toBeDefined();
    const hpa = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    expect(hpa.map((h) => [h.spec?.scaleTargetRef.kind, h.spec?.scaleTargetRef.name])).toEqual([
      ['Deployment', 'podfleet-api'],
    ]);
    expect(hpa[0]?.spec?.metrics?.map((m) => m.resource?.name)).toEqual(['cpu']);
  });

  test('traffic: deny by default, DNS for all, only the API takes connections, workers reach what they use', () => {
    const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    const deny = policies.find(
      (p) => Object.keys(p.spec?.podSelector ?? {}).length === 0 && !p.spec?.ingress && !p.spec?.egress,
    );
    expect(deny?.spec?.policyTypes?.sort()).toEqual(['Egress', 'Ingress']);

    const selecting = (labels: Record<string, string>) =>
      policies.filter((p) => matches(p.spec?.podSelector)(labels));
    const egressPorts = (labels: Record<string, string>) =>
      selecting(labels)
        .flatMap((p) => p.spec?.egress ?? [])
        .flatMap((rule) => (rule.ports ?? []).map((port) => `${port.protocol}/${port.port}`));

    for (const w of workloads(objects)) {
      const ingress = selecting(w.labels).flatMap((p) => p.spec?.ingress ?? []);
      expect(egressPorts(w.labels)).toEqual(expect.arrayContaining(['UDP/53', 'TCP/53']));
      if (!w.podfleet) {
        // dev's datastores: reachable by podfleet's pods only.
        expect(ingress.flatMap((r) => r.from ?? []).map((f) => f.podSelector?.matchLabels)).toEqual([
          { 'app.kubernetes.io/name': 'podfleet' },
        ]);
        continue;
      }
      if (w.name === 'podfleet-api') {
        expect(ingress.flatMap((r) => (r.ports ?? []).map((p) => p.port))).toEqual([
          appContainer(w).ports?.[0]?.containerPort,
        ]);
      } else {
        expect({ [w.name]: ingress }).toEqual({ [w.name]: [] });
      }
      const needed = ['TCP/5432', 'TCP/6379', 'TCP/443'];
      if (['podfleet-scrape', 'podfleet-uploader'].includes(w.name)) needed.push('TCP/80');
      const allowed = new Set(egressPorts(w.labels));
      expect({ [w.name]: [...allowed].sort() }).toEqual({ [w.name]: [...needed, 'UDP/53', 'TCP/53'].sort() });
    }
  });

  test('every committed Secret holds only keys of the layout, and only dev commits any', () => {
    const secrets = ofKind<ISecret>(objects, 'Secret');
    if (overlay === 'prod') {
      expect(secrets.map(named)).toEqual([]);
      return;
    }
    for (const secret of secrets.filter((s) => named(s) !== 'podfleet-dev-postgres')) {
      for (const key of Object.keys(secret.stringData ?? {})) {
        expect({ [key]: SECRET_OF[key] }).toEqual({ [key]: named(secret) });
      }
    }
  });
});

describe('overlays/dev: one node, no add-ons', () => {
  const objects = rendered.dev;

  test('media on one shared volume mounted by every app (STORAGE_DRIVER=fs), datastores in the namespace', () => {
    const claims = new Set<string>();
    for (const w of workloads(objects).filter((x) => x.podfleet)) {
      const env = effectiveEnv(objects, appContainer(w), 'dev');
      expect(env.STORAGE_DRIVER).toBe('fs');
      const mount = appContainer(w).volumeMounts?.find((m) => m.mountPath === env.STORAGE_DIR);
      const volume = w.spec.volumes?.find((v) => v.name === mount?.name);
      claims.add(volume?.persistentVolumeClaim?.claimName ?? `${w.name}: not a volume claim`);
    }
    expect([...claims]).toEqual(['podfleet-media']);
    expect(
      workloads(objects)
        .filter((w) => !w.podfleet)
        .map((w) => w.id),
    ).toEqual(['StatefulSet/postgres', 'StatefulSet/redis']);
    expect(ofKind<K8sObject>(objects, 'ScaledObject')).toEqual([]);
  });
});

describe('overlays/prod: several nodes, S3, queue-depth autoscaling', () => {
  const objects = rendered.prod;
  const scaledObjects = ofKind<IScaledObject>(objects, 'ScaledObject');
  const QUERY = /^sum\(max by \(queue, state\) \(podfleet_queue_jobs\{(?<matchers>[^}]*)\}\)\)$/;

  test('media in S3, release images (not latest)', () => {
    for (const w of workloads(objects)) {
      expect(effectiveEnv(objects, appContainer(w), 'prod').STORAGE_DRIVER).toBe('s3');
      for (const c of allContainers(w.spec)) expect(c.image).toMatch(/^podfleet\/[a-z]+:(?!latest$)[\w.-]+$/);
    }
    expect(ofKind<K8sObject>(objects, 'PersistentVolumeClaim')).toEqual([]);
  });

  test("one ScaledObject per worker role, on a Prometheus query of that role's queues", () => {
    expect(scaledObjects.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual([...WORKERS].sort());
    for (const so of scaledObjects) {
      const name = so.spec.scaleTargetRef.name;
      const [trigger, ...others] = so.spec.triggers;
      expect(others).toEqual([]);
      expect(trigger?.type).toBe('prometheus');
      expect(trigger?.metricType).toBe('AverageValue');
      // An empty answer (gauge cleared while Redis is unreachable) is an error, not "no work".
      expect(trigger?.metadata.ignoreNullValues).toBe('false');
      expect(Number(trigger?.metadata.threshold)).toBeGreaterThan(0);
      const query = QUERY.exec(trigger?.metadata.query ?? '');
      expect({ [name]: query !== null }).toEqual({ [name]: true });
      const matchers = Object.fromEntries(
        [...(query?.groups?.matchers ?? '').matchAll(/(\w+)\s*(=~|=)\s*"([^"]*)"/g)].map((m) => [
          m[1],
          { op: m[2], values: (m[3] ?? '').split('|') },
        ]),
      );
      expect(Object.keys(matchers).sort()).toEqual(['namespace', 'queue', 'state']);
      expect(matchers.namespace).toEqual({ op: '=', values: [so.metadata?.namespace] });
      // The queues it serves: its Deployment's WORKER_QUEUES.
      expect({ [name]: [...(matchers.queue?.values ?? [])].sort() }).toEqual({
        [name]: [...(ROLES[name]?.queues ?? [])].sort(),
      });
      // Prioritized jobs live outside the wait list: the reason for this trigger.
      expect(matchers.state?.values).toEqual(expect.arrayContaining(['waiting', 'prioritized', 'delayed']));
      expect(GAUGE_STATES).toEqual(expect.arrayContaining(matchers.state?.values ?? []));
      expect(trigger?.metadata.serverAddress).toMatch(/^https?:\/\//);
    }
  });

  test('only the script role scales to zero; maintenance always has workers (the uploader above all)', () => {
    const min = Object.fromEntries(
      scaledObjects.map((s) => [s.spec.scaleTargetRef.name, s.spec.minReplicaCount]),
    );
    expect(min['podfleet-script']).toBe(0);
    for (const name of WORKERS.filter((n) => n !== 'podfleet-script')) {
      expect({ [name]: (min[name] ?? 0) >= 1 }).toEqual({ [name]: true });
    }
    for (const so of scaledObjects) {
      expect(so.spec.maxReplicaCount ?? 100).toBeGreaterThan(so.spec.minReplicaCount ?? 0);
      expect(so.spec.fallback?.replicas).toBeGreaterThan(0);
    }
  });

  test('the gauge is scraped: a ServiceMonitor on the API Service, annotations on its pods', () => {
    const [monitor, ...others] = ofKind<IServiceMonitor>(objects, 'ServiceMonitor');
    expect(others).toEqual([]);
    const service = ofKind<IService>(objects, 'Service').find((s) => named(s) === 'podfleet-api');
    expect(matches(monitor?.spec.selector)((service?.metadata?.labels ?? {}) as Record<string, string>)).toBe(
      true,
    );
    expect(monitor?.spec.endpoints?.map((e) => [e.port, e.path])).toEqual([
      [service?.spec?.ports?.[0]?.name, '/metrics'],
    ]);
    // With the token the API requires in production (issue #18), from the API's own Secret.
    expect(monitor?.spec.endpoints?.[0]?.authorization).toEqual({
      type: 'Bearer',
      credentials: { name: 'podfleet-api', key: 'METRICS_TOKEN' },
    });
    const annotations = ofKind<IDeployment>(objects, 'Deployment').find((d) => named(d) === 'podfleet-api')
      ?.spec?.template.metadata?.annotations;
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics' });
  });

  test('replicas spread and protected: API at least 3 on CPU, a disruption budget per role', () => {
    const hpa = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')[0];
    expect(hpa?.spec?.minReplicas).toBeGreaterThanOrEqual(3);
    expect(hpa?.spec?.maxReplicas).toBeGreaterThan(hpa?.spec?.minReplicas ?? 0);
    const budgets = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
    for (const w of workloads(objects)) {
      expect({ [w.name]: budgets.filter((p) => matches(p.spec?.selector)(w.labels)).length }).toEqual({
        [w.name]: 1,
      });
    }
  });

  test('under node pressure the API is scheduled first: it may preempt workers, workers preempt nobody', () => {
    const classes = new Map(ofKind<IPriorityClass>(objects, 'PriorityClass').map((c) => [named(c), c]));
    const classOf = (w: Workload) => classes.get(w.spec.priorityClassName ?? '');
    const api = classOf(podfleetWorkload(objects, 'podfleet-api'));
    expect(api?.preemptionPolicy).toBe('PreemptLowerPriority');
    for (const worker of WORKERS) {
      const workerClass = classOf(podfleetWorkload(objects, worker));
      expect({ [worker]: workerClass?.preemptionPolicy }).toEqual({ [worker]: 'Never' });
      expect(workerClass?.value).toBeLessThan(api?.value ?? 0);
    }
    expect([...classes.values()].filter((c) => c.globalDefault)).toEqual([]);
  });

  test('real providers, their keys required', () => {
    for (const [name, provider, key] of [
      ['podfleet-script', 'SCRIPT_PROVIDER=anthropic', 'ANTHROPIC_API_KEY'],
      ['podfleet-audio', 'TTS_PROVIDER=elevenlabs', 'ELEVENLABS_API_KEY'],
    ] as const) {
      const c = appContainer(podfleetWorkload(objects, name));
      const [variable, value] = provider.split('=');
      expect(effectiveEnv(objects, c, 'prod')[variable ?? '']).toBe(value);
      expect(secretRefs(c).find((r) => r.key === key)?.optional).toBe(false);
    }
  });
});
