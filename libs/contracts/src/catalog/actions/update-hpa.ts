import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const updateHpa = defineAction({
  name: "update_hpa",
  title: "Change an HPA's replica bounds",
  description: "Patches minReplicas and/or maxReplicas of a HorizontalPodAutoscaler (the way to scale a Deployment an HPA controls).",
  risk: "medium",
  targetKinds: ["HorizontalPodAutoscaler"],
  parameters: z
    .strictObject({ minReplicas: wholeNumber(1, 1000).optional(), maxReplicas: wholeNumber(1, 1000).optional() })
    .superRefine((p, ctx) => {
      if (p.minReplicas === undefined && p.maxReplicas === undefined) {
        ctx.addIssue({ code: "custom", path: ["maxReplicas"], message: "give maxReplicas, minReplicas or both" });
      }
      if (p.minReplicas !== undefined && p.maxReplicas !== undefined && p.minReplicas > p.maxReplicas) {
        ctx.addIssue({ code: "custom", path: ["minReplicas"], message: "must not exceed maxReplicas" });
      }
    }),
  reversible: true,
  requiresApproval: false,
  rbac: [
    rule("autoscaling", "horizontalpodautoscalers", ["get", "patch"]),
    // The HPA's target, for the scale its new bounds force (capacity and quota preflight).
    rule("apps", ["deployments", "statefulsets"], ["get"]),
  ],
  examples: {
    valid: [{ maxReplicas: 20 }, { minReplicas: 2, maxReplicas: 10 }],
    invalid: [
      { parameters: {}, field: "maxReplicas" },
      { parameters: { minReplicas: 5, maxReplicas: 3 }, field: "minReplicas" },
      { parameters: { maxReplicas: 5000 }, field: "maxReplicas" },
    ],
  },
});
