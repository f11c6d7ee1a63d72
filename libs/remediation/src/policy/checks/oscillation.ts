// Ineffective loops: the same action on the same target `maxRepeats` times within the window, and none of
// those runs assessed as effective (score ≥ lowScore; unassessed runs count as not effective), means the fix
// does not fix. Doing it again would only hide the problem: deny, and escalate to a human. Pods are renamed
// by their controller on every restart, so a Pod target is matched by its owner (the proposal's owner).
import { resourceKey } from "@vigil/contracts";
import { definePolicyCheck } from "../policy-check.js";
import { deny, durationText, refText } from "../verdicts.js";

export const oscillationCheck = definePolicyCheck({
  id: "oscillation",
  async evaluate({ proposal }, ctx) {
    const { window, maxRepeats, lowScore } = ctx.policy.oscillation;
    const byOwner = proposal.target.kind === "Pod";
    const subject = byOwner ? proposal.owner : proposal.target;
    const past = await ctx.history.executions({
      since: new Date(ctx.now() - window).toISOString(),
      action: proposal.action,
      ...(byOwner ? { ownerKey: resourceKey(subject) } : { targetKey: resourceKey(subject) }),
      liveOnly: true,
    });
    if (past.length < maxRepeats) return undefined;
    const effective = past.find((p) => p.effectivenessScore !== null && p.effectivenessScore >= lowScore);
    if (effective) return undefined;
    const scores = past.map((p) => (p.effectivenessScore === null ? "unassessed" : p.effectivenessScore.toFixed(2))).join(", ");
    const reason =
      `${proposal.action} already ran ${past.length} times on ${refText(subject)} in the last ${durationText(window)} ` +
      `without effect (scores: ${scores}; effective means ≥ ${lowScore}): an ineffective loop, blocked and escalated`;
    return {
      matches: [deny("oscillation.ineffective-loop", reason)],
      escalation: {
        reason,
        suggestedChange: `investigate why ${proposal.action} does not resolve ${proposal.alertname} on ${refText(subject)}`,
      },
    };
  },
});
