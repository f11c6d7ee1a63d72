// collect_diagnostics for each kind of target: a pod (describe, events, logs, usage, its node's pressure), a
// node (conditions, taints, allocatable against the requests of its pods, their phases, events) and a workload
// (status, conditions, events, and the pod diagnostics of its worst pods).
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { selectorToString } from "@vigil/contracts";
import { parseQuantity } from "@vigil/kube";
import type { KubeReader } from "../../kube-ops.js";
import { describePod, iso, nodePressure, worstFirst } from "./diagnostics-describe.js";
import { type EventSummary, eventsOf, type LogEntry, logsOf, usageOf } from "./diagnostics-reads.js";

export interface DiagnosticsOptions {
  logLines: number;
  sinceMinutes: number;
  includePrevious: boolean;
}

export interface PodDiagnostics {
  describe: ReturnType<typeof describePod>;
  events: EventSummary[];
  logs: LogEntry[];
  usage: unknown;
  node?: ReturnType<typeof nodePressure> | string;
}

/** Pods of a workload whose diagnostics are collected in full. */
export const WORKLOAD_PODS_MAX = 5;

/** Nodes read once per collection, however many of its pods run there. */
export type NodeCache = Map<string, Promise<V1Node | undefined>>;

export async function podDiagnostics(kube: KubeReader, pod: V1Pod, opts: DiagnosticsOptions, nodes: NodeCache): Promise<PodDiagnostics> {
  const nodeName = pod.spec?.nodeName;
  let node: PodDiagnostics["node"];
  if (nodeName) {
    if (!nodes.has(nodeName)) nodes.set(nodeName, kube.find({ kind: "Node", name: nodeName }));
    const found = await nodes.get(nodeName)!;
    node = found ? nodePressure(found) : `node ${nodeName} no longer exists`;
  }
  return {
    describe: describePod(pod),
    events: await eventsOf(kube, pod),
    logs: await logsOf(kube, pod, opts),
    usage: await usageOf(kube, "pods", pod.metadata?.name ?? "", pod.metadata?.namespace),
    ...(node ? { node } : {}),
  };
}

const TERMINAL = new Set(["Succeeded", "Failed"]);

/** A pod's effective request of a resource, as the scheduler counts it: max(sum of containers, largest init container). */
function podRequest(pod: V1Pod, resource: string): number {
  const of = (c: { resources?: { requests?: Record<string, string> } }) => {
    const q = c.resources?.requests?.[resource];
    return q ? parseQuantity(q) : 0;
  };
  const main = (pod.spec?.containers ?? []).reduce((n, c) => n + of(c), 0);
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map(of));
  const overhead = pod.spec?.overhead?.[resource] ? parseQuantity(pod.spec.overhead[resource]) : 0;
  return Math.max(main, init) + overhead;
}

const percent = (used: number, of: number): number | undefined => (of > 0 ? Math.round((used / of) * 1000) / 10 : undefined);

export async function nodeDiagnostics(kube: KubeReader, node: V1Node) {
  const name = node.metadata?.name ?? "";
  const pods = await kube.list("Pod", { fieldSelector: `spec.nodeName=${name}` });
  const active = pods.filter((p) => !TERMINAL.has(p.status?.phase ?? ""));
  const allocatable = node.status?.allocatable ?? {};
  const alloc = (r: string) => (allocatable[r] ? parseQuantity(allocatable[r]) : 0);
  const requested = (r: string) => active.reduce((n, p) => n + podRequest(p, r), 0);
  const phases: Record<string, number> = {};
  for (const p of pods) phases[p.status?.phase ?? "Unknown"] = (phases[p.status?.phase ?? "Unknown"] ?? 0) + 1;
  return {
    ...nodePressure(node),
    taints: (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`),
    allocatable,
    requested: {
      cpuCores: requested("cpu"),
      cpuPercent: percent(requested("cpu"), alloc("cpu")),
      memoryBytes: requested("memory"),
      memoryPercent: percent(requested("memory"), alloc("memory")),
      pods: active.length,
      podsAllocatable: alloc("pods"),
    },
    pods: {
      phases,
      notRunning: pods
        .filter((p) => p.status?.phase !== "Running" || p.metadata?.deletionTimestamp)
        .map((p) => ({
          pod: `${p.metadata?.namespace}/${p.metadata?.name}`,
          phase: p.status?.phase,
          ...(p.status?.reason ? { reason: p.status.reason } : {}),
          ...(p.metadata?.deletionTimestamp ? { terminatingSince: iso(p.metadata.deletionTimestamp) } : {}),
        })),
    },
    events: await eventsOf(kube, node),
    usage: await usageOf(kube, "nodes", name),
  };
}

type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "Job";

export async function workloadDiagnostics(
  kube: KubeReader,
  kind: WorkloadKind,
  name: string,
  namespace: string,
  opts: DiagnosticsOptions,
  nodes: NodeCache,
) {
  const workload = await kube.get({ kind, name, namespace });
  const selector = selectorToString(workload.spec?.selector);
  // A workload without a selector selects nothing (metav1 semantics), never everything.
  const pods = selector ? await kube.list("Pod", { namespace, labelSelector: selector }) : [];
  const chosen = worstFirst(pods).slice(0, WORKLOAD_PODS_MAX);
  const podDiags: PodDiagnostics[] = [];
  for (const pod of chosen) podDiags.push(await podDiagnostics(kube, pod, opts, nodes));
  const status = { ...(workload.status as Record<string, unknown> | undefined) };
  const conditions = (status["conditions"] as Array<Record<string, unknown>> | undefined)?.map((c) =>
    Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
  );
  delete status["conditions"];
  return {
    workload: {
      kind,
      name,
      namespace,
      generation: workload.metadata?.generation,
      selector,
      status: Object.fromEntries(Object.entries(status).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
      conditions: conditions ?? [],
      events: await eventsOf(kube, workload),
      pods: { total: pods.length, collected: chosen.map((p) => p.metadata?.name ?? "") },
    },
    pods: podDiags,
  };
}
