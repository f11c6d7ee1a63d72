// The three things a check can say, as PolicyRuleMatch values, and how a target reads in a reason. Every
// reason names the object and the rule, so an on-call engineer can act on it without reading the code.
import type { PolicyRuleMatch, ResourceRef } from "@vigil/contracts";

export const deny = (ruleId: string, reason: string): PolicyRuleMatch => ({ ruleId, effect: "deny", reason });
export const requireApproval = (ruleId: string, reason: string): PolicyRuleMatch => ({ ruleId, effect: "require_approval", reason });
export const allow = (ruleId: string, reason: string): PolicyRuleMatch => ({ ruleId, effect: "allow", reason });

/** `Deployment shop/web`, `Node worker-1`. */
export const refText = (ref: Pick<ResourceRef, "kind" | "name" | "namespace">): string =>
  `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;

/** `4m 10s`, `1h 5m`: a time left, as people read it. */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", sec || (!h && !m) ? `${sec}s` : ""].filter(Boolean).join(" ");
}
