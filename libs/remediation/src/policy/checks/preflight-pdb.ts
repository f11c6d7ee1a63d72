// Preflight: evictions need PodDisruptionBudget headroom. A pod the action evicts that a budget with no
// disruption allowed covers would be refused by the eviction API (429) and leave the action half done: deny
// up front, naming the budget. Deleted pods bypass budgets; the action's catalog entry says which it does.
import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { PolicyRuleMatch } from "@vigil/contracts";
import { selectorMatches } from "@vigil/kube";
import { definePolicyCheck } from "../policy-check.js";
import { deny } from "../verdicts.js";

export const pdbCheck = definePolicyCheck({
  id: "preflight.pdb",
  needsPlan: true,
  async evaluate({ plan }, ctx) {
    const evicted = (plan?.consequences.disruptedPods ?? []).filter((p) => p.how === "evict");
    if (evicted.length === 0) return undefined;
    const budgets = new Map<string, V1PodDisruptionBudget[]>();
    for (const ns of new Set(evicted.map((p) => p.namespace)))
      budgets.set(ns, await ctx.kube.list("PodDisruptionBudget", { namespace: ns }));
    const blocked = new Map<string, { pdb: V1PodDisruptionBudget; pods: string[] }>();
    for (const pod of evicted) {
      for (const pdb of budgets.get(pod.namespace) ?? []) {
        if (!selectorMatches(pdb.spec?.selector, pod.labels)) continue;
        if ((pdb.status?.disruptionsAllowed ?? 0) > 0) continue;
        const key = `${pod.namespace}/${pdb.metadata?.name}`;
        const entry = blocked.get(key) ?? { pdb, pods: [] };
        entry.pods.push(pod.name);
        blocked.set(key, entry);
      }
    }
    const out: PolicyRuleMatch[] = [];
    for (const [key, { pdb, pods }] of blocked) {
      const s = pdb.status;
      out.push(
        deny(
          "preflight.pdb",
          `PodDisruptionBudget ${key} allows no disruption now (${s?.currentHealthy ?? "?"} healthy, ${s?.desiredHealthy ?? "?"} required): evicting ${pods.join(", ")} would be refused`,
        ),
      );
    }
    return out;
  },
});
