// Global rate and concurrency limits on live changes, across every replica (read from the action history):
// live actions in the last hour, per incident, and running right now. A runaway loop or a storm of alerts
// then reaches a human instead of the cluster. Dry runs change nothing and are not limited.
import type { PolicyRuleMatch } from "@vigil/contracts";
import { definePolicyCheck } from "../policy-check.js";
import { deny } from "../verdicts.js";

const HOUR = 3_600_000;

export const rateLimitsCheck = definePolicyCheck({
  id: "limits",
  async evaluate({ proposal, mode }, ctx) {
    if (mode !== "live") return undefined;
    const { maxLivePerHour, maxPerIncident, maxConcurrent } = ctx.policy.limits;
    const now = ctx.now();
    const out: PolicyRuleMatch[] = [];
    const [lastHour, incident, running] = await Promise.all([
      ctx.history.executions({ since: new Date(now - HOUR).toISOString(), liveOnly: true }),
      ctx.history.executions({ since: new Date(0).toISOString(), incidentId: proposal.incidentId, liveOnly: true }),
      ctx.history.running(),
    ]);
    if (lastHour.length >= maxLivePerHour) {
      out.push(
        deny("limits.per-hour", `${lastHour.length} live actions ran in the last hour; the policy allows ${maxLivePerHour} per hour`),
      );
    }
    if (incident.length >= maxPerIncident) {
      out.push(
        deny(
          "limits.per-incident",
          `incident ${proposal.incidentId} already had ${incident.length} live actions; the policy allows ${maxPerIncident} per incident: a human should look`,
        ),
      );
    }
    if (running >= maxConcurrent) {
      out.push(deny("limits.concurrent", `${running} live actions are running now; the policy allows ${maxConcurrent} at once`));
    }
    return out;
  },
});
