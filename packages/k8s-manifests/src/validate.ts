import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { type K8sObject, objectId } from './kustomize';

/**
 * Schema validation of rendered objects: the Kubernetes API's OpenAPI schemas (kubernetes-models),
 * KEDA's CRD schema (@kubernetes-models/keda) and prometheus-operator's (for the ServiceMonitor),
 * all shipped in npm packages, so nothing is fetched. Their validate() checks types, enums,
 * formats and required fields; the Kubernetes schemas do not forbid unknown fields (a typo such
 * as `readinesProbe` passes), which fields.ts checks separately.
 */

interface Validatable {
  validate(): void;
}

/** The models of every apiVersion/kind docker/k8s may hold, with the type name fields.ts uses. */
export const MODELS: Readonly<
  Record<string, { create: (data: never) => Validatable; typeName: string; module: string }>
> = {
  'v1/ConfigMap': {
    create: (d) => new ConfigMap(d),
    typeName: 'IConfigMap',
    module: 'kubernetes-models/v1/ConfigMap',
  },
  'v1/Namespace': {
    create: (d) => new Namespace(d),
    typeName: 'INamespace',
    module: 'kubernetes-models/v1/Namespace',
  },
  'v1/PersistentVolumeClaim': {
    create: (d) => new PersistentVolumeClaim(d),
    typeName: 'IPersistentVolumeClaim',
    module: 'kubernetes-models/v1/PersistentVolumeClaim',
  },
  'v1/Secret': { create: (d) => new Secret(d), typeName: 'ISecret', module: 'kubernetes-models/v1/Secret' },
  'v1/Service': {
    create: (d) => new Service(d),
    typeName: 'IService',
    module: 'kubernetes-models/v1/Service',
  },
  'apps/v1/Deployment': {
    create: (d) => new Deployment(d),
    typeName: 'IDeployment',
    module: 'kubernetes-models/apps/v1/Deployment',
  },
  'apps/v1/StatefulSet': {
    create: (d) => new StatefulSet(d),
    typeName: 'IStatefulSet',
    module: 'kubernetes-models/apps/v1/StatefulSet',
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    create: (d) => new HorizontalPodAutoscaler(d),
    typeName: 'IHorizontalPodAutoscaler',
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    create: (d) => new NetworkPolicy(d),
    typeName: 'INetworkPolicy',
    module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  },
  'policy/v1/PodDisruptionBudget': {
    create: (d) => new PodDisruptionBudget(d),
    typeName: 'IPodDisruptionBudget',
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
  },
  'scheduling.k8s.io/v1/PriorityClass': {
    create: (d) => new PriorityClass(d),
    typeName: 'IPriorityClass',
    module: 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass',
  },
  'keda.sh/v1alpha1/ScaledObject': {
    create: (d) => new ScaledObject(d),
    typeName: 'IScaledObject',
    module: '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
  },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    create: (d) => new ServiceMonitor(d),
    typeName: 'IServiceMonitor',
    module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
  },
};

export function modelKey(object: K8sObject): string {
  return `${object.apiVersion}/${object.kind}`;
}

/** Problems found in `object` against its schema; empty when it validates. */
export function validateObject(object: K8sObject): string[] {
  const model = MODELS[modelKey(object)];
  if (!model) return [`${objectId(object)}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    model.create(object as never).validate();
    return [];
  } catch (err) {
    return [`${objectId(object)}: ${err instanceof Error ? err.message : String(err)}`];
  }
}
