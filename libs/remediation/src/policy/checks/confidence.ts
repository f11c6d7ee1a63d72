// The proposal's confidence must reach the policy's minimum for the action's risk: a riskier change needs a
// surer diagnosis. A refusal here still leaves a real problem with a plausible fix, so it is escalated: a human
// hears about it instead of the incident going quiet.
import { definePolicyCheck } from "../policy-check.js";
import { deny } from "../verdicts.js";

export const confidenceCheck = definePolicyCheck({
  id: "confidence",
  evaluate({ proposal, action }, ctx) {
    const minimum = ctx.policy.confidence[action.risk];
    if (proposal.confidence >= minimum) return undefined;
    const reason = `confidence ${proposal.confidence.toFixed(2)} is below the policy's minimum of ${minimum} for ${action.risk}-risk actions like ${action.name}`;
    return {
      matches: [deny(`confidence.${action.risk}`, reason)],
      escalation: {
        reason: `${action.name} was proposed but not run: ${reason}`,
        suggestedChange: `review the diagnosis; if ${action.name} is right, run it by hand or raise its confidence with evidence`,
      },
    };
  },
});
