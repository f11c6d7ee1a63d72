// A cooldown per (action, target): after a live run, the same action waits before it touches the same target
// again, so a fix has time to show its effect. The KV entry (written by the executor after each live run) is
// the shared truth; the history backs it up when the entry is missing (KV lost, swept by its TTL).
import { type ActionDefinition, resourceKey } from "@vigil/contracts";
import { definePolicyCheck } from "../policy-check.js";
import { cooldownFor } from "../policy-file.js";
import { deny, durationText, refText } from "../verdicts.js";

/** Reading or notifying needs no time to show an effect: only actions that write to the cluster cool down. */
const writesToCluster = (def: ActionDefinition): boolean =>
  def.rbac.some((r) => r.verbs.some((v) => !["get", "list", "watch"].includes(v)));

export const cooldownCheck = definePolicyCheck({
  id: "cooldown",
  async evaluate({ proposal, action: definition }, ctx) {
    if (!writesToCluster(definition)) return undefined;
    const { action, target } = proposal;
    const now = ctx.now();
    const entry = await ctx.state.cooldown(action, target);
    if (entry && Date.parse(entry.until) > now) {
      const left = Date.parse(entry.until) - now;
      return deny(
        "cooldown",
        `${action} ran on ${refText(target)} at ${entry.at} (execution ${entry.executionId}); cooling down for ${durationText(left)} more, until ${entry.until}`,
      );
    }
    const cooldownMs = cooldownFor(ctx.policy, action);
    if (entry || cooldownMs === 0) return undefined;
    const [last] = await ctx.history.executions({
      since: new Date(now - cooldownMs).toISOString(),
      action,
      targetKey: resourceKey(target),
      liveOnly: true,
    });
    if (!last) return undefined;
    const until = Date.parse(last.at) + cooldownMs;
    if (until <= now) return undefined;
    return deny(
      "cooldown",
      `${action} ran on ${refText(target)} at ${last.at} (execution ${last.executionId}); cooling down for ${durationText(until - now)} more, until ${new Date(until).toISOString()}`,
    );
  },
});
