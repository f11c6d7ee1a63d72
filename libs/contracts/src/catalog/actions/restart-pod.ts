import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const restartPod = defineAction({
  name: "restart_pod",
  title: "Restart a pod",
  description: "Deletes a pod so its controller creates a new one. Refused for a pod no controller would recreate.",
  risk: "low",
  targetKinds: ["Pod"],
  parameters: z.strictObject({ gracePeriodSeconds: wholeNumber(0, 3600).optional() }),
  reversible: false,
  requiresApproval: false,
  rbac: [rule("", "pods", ["get", "delete"])],
  examples: {
    valid: [{}, { gracePeriodSeconds: 30 }],
    invalid: [{ parameters: { gracePeriodSeconds: 7200 }, field: "gracePeriodSeconds" }],
  },
});
