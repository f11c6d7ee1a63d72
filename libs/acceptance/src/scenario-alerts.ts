// Building blocks of the scenario alerts: the simulator's pods and nodes that show a symptom, alerts as the
// kube-prometheus rules label them, a kernel oom_kill as ebpf-ingest publishes it, and the webhook's
// normalization of an Alertmanager alert into the message on vigil.alerts.firing.
import { normalizeAlert } from "@vigil/alertmanager";
import type { AlertMessage, KernelEventMessage } from "@vigil/contracts";
import type { KubeSim, Pod } from "@vigil/kube-sim";

/** An alert as Alertmanager sends it (labels and annotations); the webhook normalizes it (see alertMessageFor). */
export interface ScenarioAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A Deployment pod's generated name: <workload>-<template hash>-<5 characters>. */
export const WORKLOAD_POD = (workload: string) => new RegExp(`^${workload}-[a-z0-9]{6,10}-[a-z0-9]{5}$`);

export type PodTest = (p: Pod) => boolean;
export const nameOf = (o: { metadata: { name?: string } }): string => o.metadata.name ?? "";
const statuses = (p: Pod) => [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
export const waiting =
  (reason: string, container?: string): PodTest =>
  (p) =>
    statuses(p).some((s) => s.state?.waiting?.reason === reason && (!container || s.name === container));
export const lastTerminated =
  (reason: string): PodTest =>
  (p) =>
    statuses(p).some((s) => s.lastState?.terminated?.reason === reason);
export const phase =
  (ph: string, reason?: string): PodTest =>
  (p) =>
    p.status?.phase === ph && (!reason || p.status?.reason === reason);
export const notReady: PodTest = (p) => p.status?.phase === "Running" && statuses(p).some((s) => !s.ready);

/** The first live pod of a namespace whose name starts with `prefix` and that shows the symptom. */
export function podWith(sim: KubeSim, namespace: string, prefix: string, test: PodTest): Pod {
  const pods = sim.list<Pod>("Pod", namespace).filter((p) => nameOf(p).startsWith(`${prefix}-`) && !p.metadata.deletionTimestamp);
  const pod = pods.find(test);
  if (!pod)
    throw new Error(
      `no pod ${namespace}/${prefix}-* shows the scenario's symptom (pods: ${pods.map((p) => nameOf(p)).join(", ") || "none"})`,
    );
  return pod;
}

/** The node whose condition is True. */
export function nodeWith(sim: KubeSim, condition: string): string {
  const node = sim
    .list<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } } & Pod>("Node")
    .find((n) => n.status?.conditions?.some((c) => c.type === condition && c.status === "True"));
  if (!node) throw new Error(`no node has ${condition}=True`);
  return nameOf(node);
}

export const crashLooping = (ns: string, pod: Pod, container: string, extra: Record<string, string> = {}): ScenarioAlert => ({
  labels: {
    alertname: "KubePodCrashLooping",
    severity: "warning",
    namespace: ns,
    pod: nameOf(pod),
    container,
    job: "kube-state-metrics",
    reason: "CrashLoopBackOff",
    ...extra,
  },
  annotations: {
    description: `Pod ${ns}/${nameOf(pod)} (${container}) is in waiting state (reason: "CrashLoopBackOff").`,
    summary: "Pod is crash looping.",
    runbook_url: "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping",
  },
});

/** kube-prometheus' alert on a Deployment, not on one of its pods: the workload's symptom. */
export const deploymentReplicasMismatch = (ns: string, deployment: string): ScenarioAlert => ({
  labels: { alertname: "KubeDeploymentReplicasMismatch", severity: "warning", namespace: ns, deployment, job: "kube-state-metrics" },
  annotations: {
    description: `Deployment ${ns}/${deployment} has not matched the expected number of replicas for longer than 15 minutes.`,
    summary: "Deployment has not matched the expected number of replicas.",
    runbook_url: "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentreplicasmismatch",
  },
});

export const podNotReady = (ns: string, pod: Pod): ScenarioAlert => ({
  labels: { alertname: "KubePodNotReady", severity: "warning", namespace: ns, pod: nameOf(pod), job: "kube-state-metrics" },
  annotations: {
    description: `Pod ${ns}/${nameOf(pod)} has been in a non-ready state for longer than 15 minutes.`,
    summary: "Pod has been in a non-ready state for more than 15 minutes.",
    runbook_url: "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodnotready",
  },
});

export const nodePressure = (node: string, condition: string): ScenarioAlert => ({
  labels: { alertname: "KubeNodePressure", severity: "info", node, condition, job: "kube-state-metrics" },
  annotations: {
    description: `${node} on cluster has active Condition ${condition}. This is caused by resource usage exceeding eviction thresholds.`,
    summary: "Node has as active Condition.",
  },
});

/** A kernel oom_kill of a pod's container, as ebpf-ingest would publish it (container scope: the memcg limit was hit). */
export function containerOomKill(sim: KubeSim, pod: Pod, container: string): KernelEventMessage {
  const status = pod.status?.containerStatuses?.find((s) => s.name === container);
  const containerId = (status?.containerID ?? "").replace(/^[a-z]+:\/\//, "") || "0".repeat(64);
  const observedAt = new Date(sim.clock.now() - 5_000).toISOString();
  const id = `kev-oom-${pod.metadata.uid}`;
  return {
    id,
    correlationId: id,
    node: pod.spec.nodeName ?? "worker-1",
    type: "oom_kill",
    observedAt,
    source: "bpftrace",
    pid: 4242,
    comm: "java",
    cgroup: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${String(pod.metadata.uid).replace(/-/g, "_")}.slice/cri-containerd-${containerId}.scope`,
    pod: { uid: String(pod.metadata.uid), namespace: pod.metadata.namespace ?? "default", name: nameOf(pod) },
    container: { id: containerId, name: container, runtime: "containerd" },
    data: {
      anonRssKb: 430_080,
      fileRssKb: 0,
      shmemRssKb: 0,
      oomScoreAdj: 999,
      constraint: "CONSTRAINT_MEMCG",
      scope: "container",
      scopeReason: "memcg limit 256Mi hit (memory.max)",
    },
  };
}

/** The alert as the webhook publishes it on vigil.alerts.firing (libs/alertmanager's normalization), starting at `startsAt`. */
export function alertMessageFor(alert: ScenarioAlert, startsAt: Date, receivedAt = startsAt): AlertMessage {
  return normalizeAlert(
    {
      status: "firing",
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: startsAt.toISOString(),
      generatorURL: "http://prometheus.monitoring:9090/graph",
    },
    {
      version: "4",
      groupKey: `{}:{alertname="${alert.labels["alertname"] ?? ""}"}`,
      truncatedAlerts: 0,
      status: "firing",
      receiver: "vigil",
      groupLabels: { alertname: alert.labels["alertname"] ?? "" },
      commonLabels: alert.labels,
      commonAnnotations: alert.annotations,
      externalURL: "http://alertmanager.monitoring:9093",
      alerts: [],
    },
    receivedAt.toISOString(),
  );
}
