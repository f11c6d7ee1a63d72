// Does a pod fit a node, and if not, why: every check the scheduler's default filters make (readiness and
// cordon, taints, nodeSelector and node affinity, free resources and pod slots, host ports, inter-pod
// (anti-)affinity, volumes), ALL of them evaluated, unlike the scheduler, which stops at a node's first failing
// plugin. The per-request state (requests, domains, volume facts) is prepared once, then each node is a cheap
// check. Reads only the cache.
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { ClusterCache } from "@vigil/kube";
import { checkNodeAffinity, type NodeAffinityFit } from "./node-fit-affinity.js";
import { preparePodAffinity, type PodAffinityChecker, type PodAffinityFit } from "./node-fit-pod-affinity.js";
import {
  checkResources,
  formatAmount,
  holdsResources,
  podRequests,
  type ResourceAmounts,
  type ResourcesFit,
} from "./node-fit-resources.js";
import { blockedByCordon, blockedByNotReady, checkTaints, formatTaint, isNodeReady, type TaintsFit } from "./node-fit-taints.js";
import { prepareVolumes, type VolumeChecker, type VolumeIssue } from "./node-fit-volumes.js";
import type { SchedulingFailureCategory } from "./scheduling-categories.js";

export interface NodeFailureReason {
  reason: string;
  category: SchedulingFailureCategory;
}

export interface NodeFit {
  node: V1Node;
  nodeName: string;
  ready: boolean;
  /** Not cordoned, or the pod tolerates the cordon. */
  schedulable: boolean;
  notReadyBlocks: boolean;
  resources: ResourcesFit;
  hostPortConflicts: string[];
  taints: TaintsFit;
  affinity: NodeAffinityFit;
  podAffinity: PodAffinityFit;
  volumes: VolumeIssue[];
  failures: NodeFailureReason[];
  fits: boolean;
}

export interface FitInputs {
  pod: V1Pod;
  requests: ResourceAmounts;
  nodes: V1Node[];
  volumes: VolumeChecker;
  podAffinity: PodAffinityChecker;
  /** Pods bound to a node, the subject pod excluded (for a scheduled pod: "would it fit if it were not there"). */
  podsOn(nodeName: string): V1Pod[];
}

/** Everything a node check needs about the pod, computed once. */
export function prepareFit(pod: V1Pod, cache: ClusterCache): FitInputs {
  const nodes = cache
    .store("Node")
    .list()
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? "", n]));
  const podStore = cache.store("Pod");
  return {
    pod,
    requests: podRequests(pod),
    nodes,
    volumes: prepareVolumes(pod, cache),
    podAffinity: preparePodAffinity(pod, cache, byName),
    podsOn: (nodeName) => podStore.byIndex("node", nodeName).filter((p) => p.metadata?.uid !== pod.metadata?.uid),
  };
}

interface HostPort {
  port: number;
  protocol: string;
  ip: string;
}

const hostPortsOf = (p: V1Pod): HostPort[] =>
  [...(p.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always"), ...(p.spec?.containers ?? [])].flatMap((c) =>
    (c.ports ?? [])
      .filter((cp) => cp.hostPort)
      .map((cp) => ({ port: cp.hostPort!, protocol: cp.protocol ?? "TCP", ip: cp.hostIP || "0.0.0.0" })),
  );

/** NodePorts: a wanted host port clashes with one in use on the same protocol when either IP is 0.0.0.0 or both are equal. */
function hostPortConflicts(pod: V1Pod, podsOnNode: readonly V1Pod[]): string[] {
  const wanted = hostPortsOf(pod);
  if (wanted.length === 0) return [];
  const out: string[] = [];
  for (const other of podsOnNode) {
    if (!holdsResources(other)) continue;
    for (const used of hostPortsOf(other)) {
      for (const w of wanted) {
        if (w.port === used.port && w.protocol === used.protocol && (w.ip === "0.0.0.0" || used.ip === "0.0.0.0" || w.ip === used.ip))
          out.push(`host port ${w.port}/${w.protocol} is already used by pod ${other.metadata?.namespace}/${other.metadata?.name}`);
      }
    }
  }
  return out;
}

const RESOURCE_CATEGORY: Readonly<Record<string, SchedulingFailureCategory>> = {
  cpu: "InsufficientCPU",
  memory: "InsufficientMemory",
  "ephemeral-storage": "InsufficientStorage",
};

/** Evaluates one node; the node failing a check is one or more `failures`, each with its category. */
export function evaluateNode(inputs: FitInputs, node: V1Node): NodeFit {
  const { pod } = inputs;
  const nodeName = node.metadata?.name ?? "";
  const tolerations = pod.spec?.tolerations ?? [];
  const podsOnNode = inputs.podsOn(nodeName);
  const failures: NodeFailureReason[] = [];

  const ready = isNodeReady(node);
  const notReadyBlocks = blockedByNotReady(tolerations, node);
  if (notReadyBlocks) failures.push({ reason: "node is not ready", category: "NodeNotReady" });
  const cordoned = blockedByCordon(tolerations, node);
  if (cordoned) failures.push({ reason: "node is marked as unschedulable", category: "NodeUnschedulable" });

  const taints = checkTaints(tolerations, node);
  for (const t of taints.untolerated) {
    // The lifecycle controller's own taints say more as what they stand for.
    const category: SchedulingFailureCategory =
      t.key === "node.kubernetes.io/not-ready" || t.key === "node.kubernetes.io/unreachable"
        ? "NodeNotReady"
        : t.key === "node.kubernetes.io/unschedulable"
          ? "NodeUnschedulable"
          : "TaintTolerationMismatch";
    failures.push({ reason: `node has untolerated taint ${formatTaint(t)}`, category });
  }

  const affinity = checkNodeAffinity(pod, node);
  for (const s of affinity.unmatchedSelectors)
    failures.push({ reason: `node selector ${s} not matched`, category: "NodeAffinityNotMatch" });
  for (const a of affinity.unmatchedAffinity)
    failures.push({ reason: `required node affinity not matched: ${a}`, category: "NodeAffinityNotMatch" });

  const resources = checkResources(inputs.requests, node, podsOnNode);
  if (!resources.pods.fits)
    failures.push({
      reason: `too many pods (${resources.pods.used} of ${resources.pods.allocatable} allowed already on the node)`,
      category: "TooManyPods",
    });
  for (const r of resources.items) {
    if (r.fits) continue;
    const f = (n: number) => formatAmount(r.resource, n);
    failures.push({
      reason: `insufficient ${r.resource} (requested: ${f(r.requested)}, free: ${f(r.free)}, allocatable: ${f(r.allocatable)})`,
      category: RESOURCE_CATEGORY[r.resource] ?? "InsufficientExtendedResource",
    });
  }

  const ports = hostPortConflicts(pod, podsOnNode);
  for (const p of ports) failures.push({ reason: p, category: "HostPortConflict" });

  const podAffinity = inputs.podAffinity.check(node);
  for (const c of podAffinity.conflicts) failures.push({ reason: c, category: "PodAffinityConflict" });

  const volumes = inputs.volumes.check(node);
  for (const v of volumes) failures.push({ reason: v.text, category: v.category });

  return {
    node,
    nodeName,
    ready,
    schedulable: !cordoned,
    notReadyBlocks,
    resources,
    hostPortConflicts: ports,
    taints,
    affinity,
    podAffinity,
    volumes,
    failures,
    fits: failures.length === 0,
  };
}

/** The distinct categories of a node's failures, in a stable order. */
export const categoriesOf = (fit: NodeFit): SchedulingFailureCategory[] => [...new Set(fit.failures.map((f) => f.category))].sort();
