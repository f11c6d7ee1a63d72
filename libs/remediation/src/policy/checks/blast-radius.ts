// Blast radius of node actions: nodes out of scheduling at once (already unschedulable plus the ones this
// action cordons) stay within the policy's limit, so a remediation never takes away capacity the cluster
// needs to reschedule what it moves. Judged in dry runs too: the dry run shows what live would be refused.
import { definePolicyCheck } from "../policy-check.js";
import { deny } from "../verdicts.js";

export const blastRadiusCheck = definePolicyCheck({
  id: "blast-radius",
  needsPlan: true,
  async evaluate({ plan }, ctx) {
    const cordoning = plan?.consequences.cordonedNodes ?? [];
    if (cordoning.length === 0) return undefined;
    const nodes = await ctx.kube.list("Node");
    const already = nodes.filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata?.name ?? "");
    const added = cordoning.filter((n) => !already.includes(n));
    const total = already.length + added.length;
    const max = ctx.policy.limits.maxCordonedNodes;
    if (added.length === 0 || total <= max) return undefined;
    const list = already.length > 0 ? ` (already unschedulable: ${already.join(", ")})` : "";
    return deny(
      "limits.cordoned-nodes",
      `cordoning ${added.join(", ")} would leave ${total} nodes unschedulable at once${list}; the policy allows ${max}`,
    );
  },
});
