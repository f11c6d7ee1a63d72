// The policy's allow/deny rules by action, namespace (globs) and target kind. Deny by default: an action that
// no allow rule covers is denied, and a matching deny rule wins over any allow rule, whatever their order.
import type { ResourceRef } from "@vigil/contracts";
import { globMatches } from "../glob.js";
import { definePolicyCheck } from "../policy-check.js";
import type { ExecutorPolicy } from "../policy-file.js";
import { targetNamespace } from "../target-namespace.js";
import { allow, deny, refText } from "../verdicts.js";

type Rule = ExecutorPolicy["rules"][number];

function ruleCovers(rule: Rule, action: string, target: ResourceRef): boolean {
  if (!rule.actions.includes("*") && !rule.actions.includes(action)) return false;
  if (rule.kinds && !(rule.kinds as readonly string[]).includes(target.kind)) return false;
  // A cluster-scoped target (Node) is matched by `*` only: a namespace glob cannot say anything about it.
  const ns = targetNamespace(target);
  return ns === undefined ? rule.namespaces.includes("*") : globMatches(rule.namespaces, ns);
}

export const rulesCheck = definePolicyCheck({
  id: "rules",
  evaluate({ proposal }, ctx) {
    const { action, target } = proposal;
    const matching = ctx.policy.rules.filter((r) => ruleCovers(r, action, target));
    const denying = matching.find((r) => r.effect === "deny");
    if (denying) return deny(`rules.${denying.id}`, `${action} on ${refText(target)} is denied by rule "${denying.id}"`);
    const allowing = matching.find((r) => r.effect === "allow");
    if (allowing) return allow(`rules.${allowing.id}`, `${action} on ${refText(target)} is allowed by rule "${allowing.id}"`);
    return deny(
      "rules.default-deny",
      `no policy rule allows ${action} on ${refText(target)} (deny by default): add an allow rule to the policy file`,
    );
  },
});
