// Scale flapping: one workload scaled up, then down, then up again within the oscillation window is a
// control loop fighting itself (or an HPA, or a human). Another scaling would feed it: deny and escalate.
// Past runs record their target replica count, so directions are read between consecutive runs, and this
// proposal's direction from its plan (current → wanted) or, without a plan, from the last run's count.
import { type ActionName, resourceKey } from "@vigil/contracts";
import { definePolicyCheck } from "../policy-check.js";
import { deny, durationText, refText } from "../verdicts.js";

const SCALING: ReadonlySet<ActionName> = new Set(["scale_deployment", "scale_statefulset"]);

export const flappingCheck = definePolicyCheck({
  id: "flapping",
  async evaluate({ proposal, parameters, plan }, ctx) {
    if (!SCALING.has(proposal.action)) return undefined;
    const { window, flappingReversals } = ctx.policy.oscillation;
    const past = await ctx.history.executions({
      since: new Date(ctx.now() - window).toISOString(),
      targetKey: resourceKey(proposal.target),
      liveOnly: true,
    });
    const counts = past
      .filter((p) => SCALING.has(p.action) && typeof p.parameters["replicas"] === "number")
      .reverse() // oldest first
      .map((p) => p.parameters["replicas"] as number);
    const wanted = plan?.consequences.replicas?.to ?? (parameters["replicas"] as number | undefined);
    if (wanted === undefined || counts.length === 0) return undefined;
    const from = plan?.consequences.replicas?.from ?? counts.at(-1)!;
    const directions = counts.slice(1).map((v, i) => Math.sign(v - counts[i]!));
    directions.push(Math.sign(wanted - from));
    const moves = directions.filter((d) => d !== 0);
    const reversals = moves.slice(1).filter((d, i) => d !== moves[i]).length;
    if (reversals < flappingReversals) return undefined;
    const history = [...counts, wanted].join(" → ");
    const reason = `${refText(proposal.target)} is flapping: scaled ${history} replicas within ${durationText(window)} (${reversals} reversal${reversals === 1 ? "" : "s"}); blocked and escalated`;
    return {
      matches: [deny("oscillation.scale-flapping", reason)],
      escalation: {
        reason,
        suggestedChange: `find what drives ${refText(proposal.target)} up and down (an HPA, a deploy pipeline, a load pattern) before scaling it again`,
      },
    };
  },
});
