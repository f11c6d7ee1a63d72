// Which nodes a DaemonSet runs on (NodeShouldRunDaemonPod), the tolerations every daemon pod gets, and the pod
// for one node: pinned with required node affinity on metadata.name, for the scheduler to bind.
import type { V1Toleration } from "@kubernetes/client-node";
import type { KubeObject, Node, Pod } from "../types.js";
import { matchNodeSelectorTerms, toleratesAny } from "../scheduler/index.js";
import { podFromTemplate } from "./pod-template.js";

export const DS_HASH_LABEL = "controller-revision-hash";
export const DS_GENERATION_LABEL = "pod-template-generation";

/** util.AddOrUpdateDaemonPodTolerations: daemons keep running through node problems and cordons. */
export function daemonTolerations(spec: any): V1Toleration[] {
  const defaults: V1Toleration[] = [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
  ];
  if (spec?.hostNetwork) defaults.push({ key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" });
  const out: V1Toleration[] = [...((spec?.tolerations as V1Toleration[] | undefined) ?? [])];
  for (const t of defaults) {
    // MatchToleration: same key, operator, value and effect replaces (dropping e.g. tolerationSeconds).
    const i = out.findIndex(
      (x) => x.key === t.key && (x.operator ?? "Equal") === t.operator && (x.value ?? "") === "" && x.effect === t.effect,
    );
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

export interface Placement {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod: node name, nodeSelector and required affinity must fit; NoExecute taints evict. */
export function shouldRunOn(node: Node, template: any, tolerations: V1Toleration[]): Placement {
  const spec = template?.spec ?? {};
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return no;
  const labels = node.metadata.labels ?? {};
  if (!Object.entries((spec.nodeSelector as Record<string, string> | undefined) ?? {}).every(([k, v]) => labels[k] === v)) return no;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !matchNodeSelectorTerms(terms, node)) return no;
  const untolerated = (node.spec?.taints ?? []).filter(
    (t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !toleratesAny(tolerations, t),
  );
  if (untolerated.length === 0) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: !untolerated.some((t) => t.effect === "NoExecute") };
}

/** The node a daemon pod is for: bound, or pinned by its metadata.name affinity. */
export function targetNode(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = term.matchFields?.find((r) => r.key === "metadata.name" && r.operator === "In" && r.values?.length === 1);
    if (f) return f.values![0];
  }
  return undefined;
}

/** The daemon pod for `nodeName`: template, revision labels, default tolerations, and node affinity on the name. */
export function daemonPod(ds: KubeObject, hash: string, nodeName: string): Pod {
  const pod = podFromTemplate(ds.spec.template, ds, {
    labels: { [DS_HASH_LABEL]: hash, [DS_GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
  });
  pod.spec.tolerations = daemonTolerations(pod.spec);
  // ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become exactly "this node".
  const term = { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] };
  const affinity: any = pod.spec.affinity ?? {};
  affinity.nodeAffinity = {
    ...(affinity.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] },
  };
  pod.spec.affinity = affinity;
  return pod;
}
