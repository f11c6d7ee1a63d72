// Approval: the catalog's requiresApproval, and the policy's requiredFor (actions, risk at or above a level,
// namespaces, namespace classes). Earned autonomy lifts it for one (action, alertname, namespace class) that
// has proven itself, when the policy allows it and the action is not one that always needs a human. The
// two-person rule (high risk) is applied by the engine, which counts the approvals required.
import type { PolicyRuleMatch } from "@vigil/contracts";
import { globMatches } from "../glob.js";
import { definePolicyCheck } from "../policy-check.js";
import { riskAtLeast } from "../policy-file.js";
import { targetNamespace } from "../target-namespace.js";
import { allow, refText, requireApproval } from "../verdicts.js";

export const approvalCheck = definePolicyCheck({
  id: "approval",
  async evaluate({ proposal, action, namespaceClass }, ctx) {
    const { requiredFor, autonomy } = ctx.policy.approval;
    const reasons: PolicyRuleMatch[] = [];
    const ns = targetNamespace(proposal.target);
    if (action.requiresApproval)
      reasons.push(
        requireApproval(
          "approval.catalog",
          `${action.name} always waits for a human unless the policy lifts it (catalog: requiresApproval)`,
        ),
      );
    if (requiredFor.actions.includes(proposal.action))
      reasons.push(requireApproval("approval.policy-action", `the policy requires approval for ${proposal.action}`));
    if (requiredFor.riskAtLeast !== "none" && riskAtLeast(action.risk, requiredFor.riskAtLeast)) {
      reasons.push(
        requireApproval(
          "approval.risk",
          `${action.name} is ${action.risk} risk; the policy requires approval from ${requiredFor.riskAtLeast} risk up`,
        ),
      );
    }
    if (ns !== undefined && globMatches(requiredFor.namespaces, ns))
      reasons.push(requireApproval("approval.namespace", `the policy requires approval for changes in namespace "${ns}"`));
    if (requiredFor.namespaceClasses.includes(namespaceClass)) {
      reasons.push(
        requireApproval(
          "approval.namespace-class",
          `the policy requires approval in ${namespaceClass} namespaces (${refText(proposal.target)})`,
        ),
      );
    }
    if (reasons.length === 0) return undefined;
    if (!autonomy.earned || autonomy.alwaysRequireApproval.includes(proposal.action)) return reasons;
    const ledger = await ctx.state.autonomy(proposal.action, proposal.alertname, namespaceClass);
    if (ledger?.state !== "earned") return reasons;
    const why = `${proposal.action} earned autonomy for ${proposal.alertname} in ${namespaceClass} namespaces (${ledger.successes} assessed successes${ledger.meanScore !== null ? `, mean score ${ledger.meanScore.toFixed(2)}` : ""})`;
    return { matches: [allow("approval.autonomy-earned", `approval lifted: ${why}`)], autonomyEarned: true };
  },
});
