import type { ResourceRef } from "@vigil/contracts";

type Labels = Readonly<Record<string, string>>;

/**
 * Labels naming the object an alert is about, most specific first, as kube-state-metrics, kubelet and
 * the kube-prometheus rules set them. `job` is deliberately absent: it is Prometheus's scrape job
 * (e.g. "node-exporter") on every alert; kube-state-metrics names Jobs `job_name`.
 */
const TARGET_LABELS: ReadonlyArray<readonly [label: string, kind: string, namespaced: boolean]> = [
  ["pod", "Pod", true],
  ["persistentvolumeclaim", "PersistentVolumeClaim", true],
  ["job_name", "Job", true],
  ["cronjob", "CronJob", true],
  ["deployment", "Deployment", true],
  ["statefulset", "StatefulSet", true],
  ["daemonset", "DaemonSet", true],
  ["replicaset", "ReplicaSet", true],
  ["horizontalpodautoscaler", "HorizontalPodAutoscaler", true],
  ["service", "Service", true],
  ["ingress", "Ingress", true],
  ["poddisruptionbudget", "PodDisruptionBudget", true],
  ["networkpolicy", "NetworkPolicy", true],
  ["node", "Node", false],
  ["persistentvolume", "PersistentVolume", false],
];

/**
 * When Prometheus scrapes an exporter without honor_labels, the subject's own label is renamed
 * `exported_<name>` and `<name>` describes the exporter pod; so `exported_*` wins when present.
 */
export function subjectLabel(labels: Labels, name: string): string | undefined {
  return labels[`exported_${name}`] || labels[name] || undefined;
}

export function resolveNamespace(labels: Labels): string | undefined {
  return subjectLabel(labels, "namespace");
}

export function resolveTarget(labels: Labels): ResourceRef | undefined {
  const namespace = resolveNamespace(labels);
  for (const [label, kind, namespaced] of TARGET_LABELS) {
    const name = subjectLabel(labels, label);
    if (!name) continue;
    if (namespaced && !namespace) continue; // a namespaced object without a namespace cannot be found
    const container = kind === "Pod" ? subjectLabel(labels, "container") : undefined;
    return { kind, name, ...(namespaced ? { namespace } : {}), ...(container ? { container } : {}) };
  }
  return undefined;
}
