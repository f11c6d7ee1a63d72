// The proposal's confidence must reach the policy's minimum for the action's risk: a riskier change needs a
// surer diagnosis.
import { definePolicyCheck } from "../policy-check.js";
import { deny } from "../verdicts.js";

export const confidenceCheck = definePolicyCheck({
  id: "confidence",
  evaluate({ proposal, action }, ctx) {
    const minimum = ctx.policy.confidence[action.risk];
    if (proposal.confidence >= minimum) return undefined;
    return deny(
      `confidence.${action.risk}`,
      `confidence ${proposal.confidence.toFixed(2)} is below the policy's minimum of ${minimum} for ${action.risk}-risk actions like ${action.name}`,
    );
  },
});
