// Free capacity of the schedulable nodes, the way the scheduler sees it: allocatable minus the requests of the
// pods bound there (finished pods release theirs). A node is schedulable for a pod when it is Ready, not
// cordoned, matches the pod's nodeSelector and its NoSchedule/NoExecute taints are tolerated.
import type { V1Node, V1Pod, V1PodSpec, V1Taint, V1Toleration } from "@kubernetes/client-node";
import { parseQuantity } from "@vigil/contracts";
import type { KubeReader } from "../../kube-ops.js";
import { type Amounts, podRequests, RESOURCES } from "./pod-resources.js";

export interface NodeCapacity {
  name: string;
  allocatable: Amounts & { pods: number };
  /** Requests of the pods bound to it. */
  used: Amounts;
  pods: V1Pod[];
}

const tolerates = (tolerations: readonly V1Toleration[], taint: V1Taint): boolean =>
  tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === "" || t.effect === taint.effect) &&
      (t.key === undefined || t.key === ""
        ? t.operator === "Exists"
        : t.key === taint.key && (t.operator === "Exists" || (t.value ?? "") === (taint.value ?? ""))),
  );

/** Whether a pod with `spec` could be placed on `node` (ignoring resources). */
export function nodeAccepts(node: V1Node, spec: V1PodSpec): boolean {
  if (node.spec?.unschedulable) return false;
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True") return false;
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const hard = (node.spec?.taints ?? []).filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
  return hard.every((t) => tolerates(spec.tolerations ?? [], t));
}

const finished = (p: V1Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/** Every node that would accept a pod with `spec`, with what is used on it. */
export async function schedulableNodes(kube: KubeReader, spec: V1PodSpec): Promise<NodeCapacity[]> {
  const [nodes, pods] = await Promise.all([kube.list("Node"), kube.list("Pod")]);
  const byNode = new Map<string, V1Pod[]>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || finished(p)) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), p]);
  }
  return nodes
    .filter((n) => nodeAccepts(n, spec))
    .map((n) => {
      const name = n.metadata?.name ?? "";
      const alloc = n.status?.allocatable ?? {};
      const bound = byNode.get(name) ?? [];
      const used: Amounts = { cpu: 0, memory: 0 };
      for (const p of bound) {
        const r = podRequests(p.spec!);
        for (const k of RESOURCES) used[k] += r[k];
      }
      return {
        name,
        allocatable: {
          cpu: parseQuantity(String(alloc["cpu"] ?? "0")) ?? 0,
          memory: parseQuantity(String(alloc["memory"] ?? "0")) ?? 0,
          pods: parseQuantity(String(alloc["pods"] ?? "110")) ?? 110,
        },
        used,
        pods: bound,
      };
    });
}

/** Free requests on the node; `replacing` pods' requests are handed back (a rolling update replaces them). */
export function freeOn(node: NodeCapacity, replacing: readonly V1Pod[] = []): Amounts {
  const free: Amounts = { cpu: node.allocatable.cpu - node.used.cpu, memory: node.allocatable.memory - node.used.memory };
  for (const p of replacing) {
    const r = podRequests(p.spec!);
    for (const k of RESOURCES) free[k] += r[k];
  }
  return free;
}
