// The default profile's filter plugins that matter without volumes or host ports, in kube-scheduler's order.
// preFilter derives per-pod state once; runFilters then checks one node and stops at the first failing plugin,
// as the framework does, so each failed node reports that plugin's reasons only.
import type { V1NodeSelectorTerm, V1Taint, V1Toleration } from "@kubernetes/client-node";
import type { Pod } from "../types.js";
import type { ClusterSnapshot, NodeInfo } from "./node-info.js";
import { podInfo, type PodInfo } from "./pod-info.js";
import { interPodFilter, interPodPreFilter, type InterPodState } from "./inter-pod-affinity.js";
import { matchNodeSelectorTerms, toleratesAny } from "./selectors.js";

export const Reasons = {
  unschedulable: "node(s) were unschedulable",
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  tooManyPods: "Too many pods",
  insufficient: (resource: string) => `Insufficient ${resource}`,
  untoleratedTaint: (key: string, value: string) => `node(s) had untolerated taint {${key}: ${value}}`,
  podAffinity: "node(s) didn't match pod affinity rules",
  podAntiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
} as const;

export type PluginName = "NodeUnschedulable" | "TaintToleration" | "NodeAffinity" | "NodeResourcesFit" | "InterPodAffinity";

/** Why one node was filtered out. Instances are shared between nodes and cycles: treat them as immutable. */
export interface NodeFailure {
  readonly plugin: PluginName;
  readonly reasons: readonly string[];
}

export interface CycleState {
  info: PodInfo;
  tolerations: V1Toleration[];
  toleratesUnschedulable: boolean;
  nodeSelector: Array<[string, string]>;
  requiredNodeTerms?: V1NodeSelectorTerm[];
  interPod?: InterPodState;
}

const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

export function preFilter(pod: Pod, snapshot: ClusterSnapshot): CycleState {
  const info = podInfo(pod);
  const tolerations = pod.spec.tolerations ?? [];
  const state: CycleState = {
    info,
    tolerations,
    toleratesUnschedulable: toleratesAny(tolerations, UNSCHEDULABLE_TAINT),
    nodeSelector: Object.entries(pod.spec.nodeSelector ?? {}),
  };
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) state.requiredNodeTerms = required.nodeSelectorTerms ?? [];
  const interPod = interPodPreFilter(info, snapshot);
  if (interPod) state.interPod = interPod;
  return state;
}

// Failures are interned so that filtering thousands of pods against a full cluster allocates next to nothing.
const failure = (plugin: PluginName, ...reasons: string[]): NodeFailure => Object.freeze({ plugin, reasons: Object.freeze(reasons) });
const UNSCHEDULABLE = failure("NodeUnschedulable", Reasons.unschedulable);
const NODE_AFFINITY = failure("NodeAffinity", Reasons.nodeAffinity);
const POD_AFFINITY = failure("InterPodAffinity", Reasons.podAffinity);
const POD_ANTI_AFFINITY = failure("InterPodAffinity", Reasons.podAntiAffinity);
const EXISTING_ANTI_AFFINITY = failure("InterPodAffinity", Reasons.existingAntiAffinity);
const taintFailures = new Map<string, NodeFailure>();
const taintFailureCache = new WeakMap<V1Taint, NodeFailure>(); // by taint object, to skip building the reason
const resourceFailures = new Map<number, NodeFailure>();

function taintFailure(taint: V1Taint): NodeFailure {
  let f = taintFailureCache.get(taint);
  if (f) return f;
  const reason = Reasons.untoleratedTaint(taint.key, taint.value ?? "");
  f = taintFailures.get(reason);
  if (!f) taintFailures.set(reason, (f = failure("TaintToleration", reason)));
  taintFailureCache.set(taint, f);
  return f;
}

/** Every shortfall of the node, or undefined when the pod fits. */
function resourcesFit(info: PodInfo, node: NodeInfo): NodeFailure | undefined {
  const r = info.requests;
  const alloc = node.allocatable;
  const used = node.requested;
  const tooMany = node.pods.size + 1 > alloc.pods;
  // Only resources the pod actually requests can be short, even on an overcommitted node.
  const cpu = r.cpu > 0 && r.cpu > alloc.cpu - used.cpu;
  const memory = r.memory > 0 && r.memory > alloc.memory - used.memory;
  const storage = r.ephemeralStorage > 0 && r.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage;
  const mask = (tooMany ? 1 : 0) | (cpu ? 2 : 0) | (memory ? 4 : 0) | (storage ? 8 : 0);
  if (mask === 0) return undefined;
  let f = resourceFailures.get(mask);
  if (!f) {
    const reasons: string[] = [];
    if (tooMany) reasons.push(Reasons.tooManyPods);
    if (cpu) reasons.push(Reasons.insufficient("cpu"));
    if (memory) reasons.push(Reasons.insufficient("memory"));
    if (storage) reasons.push(Reasons.insufficient("ephemeral-storage"));
    resourceFailures.set(mask, (f = failure("NodeResourcesFit", ...reasons)));
  }
  return f;
}

const INTER_POD_FAILURES = { affinity: POD_AFFINITY, antiAffinity: POD_ANTI_AFFINITY, existingAntiAffinity: EXISTING_ANTI_AFFINITY };

/**
 * Runs the filter plugins against one node; undefined when the pod fits. This runs nodes × pods times, so it
 * sticks to indexed loops and precomputed fields.
 */
export function runFilters(s: CycleState, node: NodeInfo): NodeFailure | undefined {
  if (node.unschedulable && !s.toleratesUnschedulable) return UNSCHEDULABLE;
  const taints = node.hardTaints;
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i]!;
    if (!toleratesAny(s.tolerations, taint)) return taintFailure(taint);
  }
  const selector = s.nodeSelector;
  for (let i = 0; i < selector.length; i++) if (node.labels[selector[i]![0]] !== selector[i]![1]) return NODE_AFFINITY;
  if (s.requiredNodeTerms && !matchNodeSelectorTerms(s.requiredNodeTerms, node.node)) return NODE_AFFINITY;
  const fit = resourcesFit(s.info, node);
  if (fit) return fit;
  const interPod = s.interPod && interPodFilter(s.interPod, s.info, node);
  return interPod ? INTER_POD_FAILURES[interPod] : undefined;
}
