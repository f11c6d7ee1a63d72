import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const cleanupFailedPods = defineAction({
  name: "cleanup_failed_pods",
  title: "Delete failed pods in a namespace",
  description: "Deletes pods in phase Failed (evicted, OOM-killed Jobs) older than minAgeMinutes, at most maxPods of them, oldest first.",
  risk: "low",
  targetKinds: ["Namespace"],
  parameters: z.strictObject({ minAgeMinutes: wholeNumber(0, 43_200).default(60), maxPods: wholeNumber(1, 500).default(100) }),
  reversible: false,
  requiresApproval: false,
  rbac: [rule("", "pods", ["list", "delete"])],
  examples: {
    valid: [{}, { minAgeMinutes: 0, maxPods: 10 }],
    invalid: [
      { parameters: { maxPods: 0 }, field: "maxPods" },
      { parameters: { minAgeMinutes: 1e6 }, field: "minAgeMinutes" },
    ],
  },
});
