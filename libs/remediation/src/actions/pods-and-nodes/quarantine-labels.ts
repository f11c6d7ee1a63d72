// Which labels a quarantine takes off a pod: every key its ReplicaSet's selector uses (so the ReplicaSet releases
// it and starts a replacement), every key of a Service selecting it (so it leaves the endpoints), and every key of a
// NetworkPolicy selecting it (policies are additive: one that still selected the pod could still let traffic in).
// What remains selecting it afterwards (a policy with an empty podSelector, selecting every pod of the namespace)
// cannot be escaped by relabeling; the plan names it.
import type { V1LabelSelector, V1NetworkPolicy, V1Pod, V1ReplicaSet, V1Service } from "@kubernetes/client-node";
import { selectorMatches } from "@vigil/kube";
import { isQuarantinePolicy } from "./quarantine-policy.js";

const selectorKeys = (s: V1LabelSelector | undefined): string[] => [
  ...Object.keys(s?.matchLabels ?? {}),
  ...(s?.matchExpressions ?? []).map((e) => e.key),
];

const serviceSelects = (svc: V1Service, labels: Record<string, string>): boolean => {
  const sel = svc.spec?.selector ?? {};
  return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
};

export interface QuarantineLabels {
  /** The labels taken off, with their values: what the annotation keeps and a revert restores. */
  removed: Record<string, string>;
  /** Services whose endpoints the pod leaves. */
  services: string[];
  /** NetworkPolicies (not Vigil's) that still select the pod after the relabel, with any rules they have. */
  stillSelectedBy: string[];
}

export function labelsToRemove(
  pod: V1Pod,
  sources: { replicaSet?: V1ReplicaSet; services: readonly V1Service[]; policies: readonly V1NetworkPolicy[] },
  quarantineLabel: Record<string, string>,
): QuarantineLabels {
  const labels = pod.metadata?.labels ?? {};
  const keys = new Set(selectorKeys(sources.replicaSet?.spec?.selector));
  const services = sources.services.filter((s) => serviceSelects(s, labels));
  for (const s of services) for (const k of Object.keys(s.spec?.selector ?? {})) keys.add(k);
  const policies = sources.policies.filter((np) => !isQuarantinePolicy(np));
  for (const np of policies)
    if (selectorMatches(np.spec?.podSelector, labels)) for (const k of selectorKeys(np.spec?.podSelector)) keys.add(k);
  const removed = Object.fromEntries(Object.entries(labels).filter(([k]) => keys.has(k)));
  const after = { ...Object.fromEntries(Object.entries(labels).filter(([k]) => !keys.has(k))), ...quarantineLabel };
  const stillSelectedBy = policies
    .filter((np) => selectorMatches(np.spec?.podSelector, after) && (np.spec?.ingress?.length || np.spec?.egress?.length))
    .map((np) => np.metadata?.name ?? "");
  return { removed, services: services.map((s) => s.metadata?.name ?? ""), stillSelectedBy };
}
