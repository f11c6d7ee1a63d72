import { z } from "zod";
import { anyTargetKind, defineAction } from "../action-definition.js";
import { oneOf, text } from "../fields.js";

export const escalate = defineAction({
  name: "escalate",
  title: "Escalate to a human",
  description: "Pages the notification sinks with the reason and the incident's evidence: a human must look. The cluster is not touched.",
  risk: "low",
  targetKinds: anyTargetKind,
  parameters: z.strictObject({ reason: text(2000), urgency: oneOf(["low", "high"]).default("high") }),
  reversible: true,
  requiresApproval: false,
  rbac: [],
  examples: {
    valid: [{ reason: "restart_pod did not help twice in an hour" }],
    invalid: [
      { parameters: { reason: "x", urgency: "panic" }, field: "urgency" },
      { parameters: {}, field: "reason" },
    ],
  },
});
