// Preflight: the namespace's ResourceQuotas must admit the change. A resource change charges the difference
// per pod × replicas; a scale-up charges the added pods (count and requests/limits). What is already used
// comes from the quota's status, as the admission plugin reads it.
import type { V1PodSpec } from "@kubernetes/client-node";
import { parseQuantity, type PolicyRuleMatch } from "@vigil/contracts";
import { definePolicyCheck } from "../policy-check.js";
import { amountText, podLimits, podRequests, type ResourceName } from "../preflight/pod-resources.js";
import { deny } from "../verdicts.js";

type Charge = Record<string, number>;

/** What one pod with `spec` is charged, by quota key. */
function chargeOf(spec: V1PodSpec): Charge {
  const req = podRequests(spec);
  const lim = podLimits(spec);
  return {
    "requests.cpu": req.cpu,
    cpu: req.cpu,
    "requests.memory": req.memory,
    memory: req.memory,
    "limits.cpu": lim.cpu ?? 0,
    "limits.memory": lim.memory ?? 0,
  };
}

const resourceOf = (key: string): ResourceName | undefined => (key.endsWith("cpu") ? "cpu" : key.endsWith("memory") ? "memory" : undefined);

export const quotaCheck = definePolicyCheck({
  id: "preflight.quota",
  needsPlan: true,
  async evaluate({ plan }, ctx) {
    const c = plan?.consequences;
    const delta: Charge = {};
    let namespace: string | undefined;
    if (c?.resources) {
      namespace = c.resources.workload.namespace;
      const after = chargeOf(c.resources.podSpecAfter);
      const before = chargeOf(c.resources.podSpecBefore);
      for (const k of Object.keys(after)) delta[k] = (after[k]! - before[k]!) * c.resources.replicas;
    }
    if (c?.replicas && c.replicas.to > c.replicas.from) {
      namespace = c.replicas.workload.namespace;
      const added = c.replicas.to - c.replicas.from;
      const per = chargeOf(c.replicas.podSpec);
      for (const k of Object.keys(per)) delta[k] = (delta[k] ?? 0) + per[k]! * added;
      delta["pods"] = (delta["pods"] ?? 0) + added;
      delta["count/pods"] = delta["pods"];
    }
    if (!namespace || !Object.values(delta).some((v) => v > 0)) return undefined;
    const out: PolicyRuleMatch[] = [];
    for (const quota of await ctx.kube.list("ResourceQuota", { namespace })) {
      const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
      const used = quota.status?.used ?? {};
      for (const [key, limitText] of Object.entries(hard)) {
        const more = delta[key];
        if (!more || more <= 0) continue;
        const limit = parseQuantity(String(limitText)) ?? Infinity;
        const now = parseQuantity(String(used[key] ?? "0")) ?? 0;
        if (now + more <= limit) continue;
        const r = resourceOf(key);
        const fmt = (v: number) => (r ? amountText(r, v) : String(v));
        out.push(
          deny(
            "preflight.quota",
            `ResourceQuota ${namespace}/${quota.metadata?.name}: ${key} would reach ${fmt(now + more)} (used ${fmt(now)} + ${fmt(more)}), above its hard limit of ${String(limitText)}`,
          ),
        );
      }
    }
    return out;
  },
});
