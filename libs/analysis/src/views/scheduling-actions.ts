// What would get a pod scheduled: one action per kind of failure, worded with the numbers and names that make
// it actionable ("Reduce pod memory request by at least 4Gi"), and a recommendation naming the change that frees
// the most nodes. Shortfalls are taken from the nodes where resources are the only problem when there are such
// nodes (fixing resources alone helps there), else from every node.
import type { V1Pod } from "@kubernetes/client-node";
import { formatAmount } from "./node-fit-resources.js";
import { formatTaint } from "./node-fit-taints.js";
import { categoriesOf, type NodeFit } from "./node-fit.js";
import { CATEGORY_DESCRIPTIONS, type SchedulingFailureCategory } from "./scheduling-categories.js";

const RESOURCE_CATEGORIES = new Set<SchedulingFailureCategory>([
  "InsufficientCPU",
  "InsufficientMemory",
  "InsufficientStorage",
  "InsufficientExtendedResource",
]);

function resourceActions(fits: readonly NodeFit[]): string[] {
  const resourceOnly = fits.filter((f) => !f.fits && categoriesOf(f).every((c) => RESOURCE_CATEGORIES.has(c)));
  const basis = resourceOnly.length > 0 ? resourceOnly : fits;
  const minShortfall = new Map<string, number>();
  for (const f of basis) {
    for (const r of f.resources.items) {
      if (r.fits) continue;
      minShortfall.set(r.resource, Math.min(minShortfall.get(r.resource) ?? Infinity, r.shortfall));
    }
  }
  const out: string[] = [];
  for (const [resource, shortfall] of minShortfall) {
    out.push(`Reduce pod ${resource} request by at least ${formatAmount(resource, shortfall)}`);
    out.push(
      `Scale down workloads to free ${resource} on a node, or add nodes with at least ${formatAmount(resource, shortfall)} more free ${resource}`,
    );
  }
  return out;
}

const unique = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];

/** One action per failure kind present among the failing nodes; sorted, de-duplicated. */
export function possibleActionsFor(pod: V1Pod, fits: readonly NodeFit[]): string[] {
  const failing = fits.filter((f) => !f.fits);
  const has = (c: SchedulingFailureCategory) => failing.some((f) => f.failures.some((x) => x.category === c));
  const actions: string[] = [...resourceActions(failing)];
  if (has("TooManyPods")) actions.push("Scale down other workloads to free pod slots, or add nodes");
  if (has("HostPortConflict")) actions.push("Remove the pod's hostPort, or run it where the port is free");
  if (has("TaintTolerationMismatch")) {
    const taints = unique(
      failing.flatMap((f) => f.taints.untolerated.filter((t) => !t.key.startsWith("node.kubernetes.io/")).map(formatTaint)),
    ).sort();
    actions.push(`Add tolerations for node taints to the pod spec (${taints.join(", ")})`);
  }
  const selectors = Object.entries(pod.spec?.nodeSelector ?? {});
  if (failing.some((f) => f.affinity.unmatchedSelectors.length > 0))
    actions.push(
      `Label nodes to match the node selector (${selectors.map(([k, v]) => `${k}=${v}`).join(", ")}), or change the pod's nodeSelector`,
    );
  if (failing.some((f) => f.affinity.unmatchedAffinity.length > 0))
    actions.push("Label nodes to match the pod's required node affinity, or relax the affinity");
  if (has("PodAffinityConflict"))
    actions.push("Relax the pod's required pod affinity/anti-affinity, or add nodes in other topology domains");
  if (has("NodeNotReady")) actions.push("Bring the NotReady nodes back (kubelet, network, node resources), or add nodes");
  if (has("NodeUnschedulable")) actions.push("Uncordon the cordoned nodes (kubectl uncordon) if their maintenance is over, or add nodes");
  for (const f of failing) for (const v of f.volumes) if (v.action) actions.push(v.action);
  if (has("VolumeNodeAffinityConflict"))
    actions.push("Run the pod on nodes in the volume's zone (match the PV's node affinity), or move the data");
  if (has("VolumeMultiAttachError"))
    actions.push("Use a ReadWriteMany volume, or run the pod on the node where its ReadWriteOnce volume is attached");
  return unique(actions).sort();
}

/**
 * A sentence saying what to do first: if nodes fit, that the scheduler should place the pod; otherwise the
 * category that alone keeps the most nodes out (fixing it makes those nodes feasible).
 */
export function recommendationFor(fits: readonly NodeFit[], actions: readonly string[]): string {
  const feasible = fits.filter((f) => f.fits).map((f) => f.nodeName);
  if (fits.length === 0) return "The cluster has no nodes: add nodes";
  if (feasible.length > 0)
    return `${feasible.length} node(s) fit the pod now (${feasible.slice(0, 5).join(", ")}): the scheduler should place it at its next attempt`;
  const soleBlocker = new Map<SchedulingFailureCategory, number>();
  const anywhere = new Map<SchedulingFailureCategory, number>();
  for (const f of fits) {
    const cats = categoriesOf(f);
    for (const c of cats) anywhere.set(c, (anywhere.get(c) ?? 0) + 1);
    if (cats.length === 1) soleBlocker.set(cats[0]!, (soleBlocker.get(cats[0]!) ?? 0) + 1);
  }
  // When some nodes match the pod's node selector/affinity, those are the nodes it asks for: relabelling others
  // to match is rarely the fix, so that category yields to any other that blocks as many nodes.
  const targeted = fits.some((f) => f.affinity.fits);
  const demoted = (c: SchedulingFailureCategory) => (targeted && c === "NodeAffinityNotMatch" ? 1 : 0);
  const rank = (m: Map<SchedulingFailureCategory, number>) =>
    [...m].sort(([a, x], [b, y]) => y - x || demoted(a) - demoted(b) || a.localeCompare(b));
  const [best] = rank(soleBlocker);
  if (best) {
    const [category, n] = best;
    return `No node fits. ${CATEGORY_DESCRIPTIONS[category]}: this alone keeps ${n} of ${fits.length} node(s) out. ${actionHint(category, actions)}`.trim();
  }
  const top = rank(anywhere)
    .slice(0, 3)
    .map(([c, n]) => `${CATEGORY_DESCRIPTIONS[c]} (${n} node(s))`);
  return `No node fits, and every node fails several checks: ${top.join("; ")}. Fix them together (see possibleActions)`;
}

const HINT_WORDS: Partial<Record<SchedulingFailureCategory, string>> = {
  InsufficientCPU: "Reduce pod cpu",
  InsufficientMemory: "Reduce pod memory",
  InsufficientStorage: "Reduce pod ephemeral-storage",
  TooManyPods: "free pod slots",
  TaintTolerationMismatch: "Add tolerations",
  NodeAffinityNotMatch: "Label nodes",
  PodAffinityConflict: "pod affinity",
  NodeNotReady: "NotReady",
  NodeUnschedulable: "Uncordon",
  PVCUnbound: "PVC",
  VolumeNodeAffinityConflict: "volume's zone",
  VolumeMultiAttachError: "ReadWriteMany",
  HostPortConflict: "hostPort",
};

function actionHint(category: SchedulingFailureCategory, actions: readonly string[]): string {
  const word = HINT_WORDS[category];
  const hit = word ? actions.find((a) => a.includes(word)) : undefined;
  return hit ? `${hit}.` : "";
}
