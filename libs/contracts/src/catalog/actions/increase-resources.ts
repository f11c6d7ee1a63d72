import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { dnsLabel, growthFactor, oneOf } from "../fields.js";
import { parseQuantity, quantityProblem } from "../quantity.js";
import { rule } from "../rbac.js";

/** New value of a limit or request: relative to today's (`factor`) or absolute (`quantity`), never both. */
const change = z.strictObject({ factor: growthFactor(4).optional(), quantity: z.string().optional() });

export const increaseResources = defineAction({
  name: "increase_resources",
  title: "Raise a container's memory or CPU",
  description:
    "Patches one named container of the workload's pod template: its limit and/or request of one resource, by a bounded factor or to an absolute quantity. Refused when the result fits no node, the LimitRange or the ResourceQuota.",
  risk: "medium",
  targetKinds: ["Deployment", "StatefulSet", "DaemonSet"],
  parameters: z
    .strictObject({ container: dnsLabel(), resource: oneOf(["memory", "cpu"]), limit: change.optional(), request: change.optional() })
    .superRefine((p, ctx) => {
      if (!p.limit && !p.request) ctx.addIssue({ code: "custom", path: ["limit"], message: "give a limit, a request or both" });
      for (const key of ["limit", "request"] as const) {
        const c = p[key];
        if (!c) continue;
        if ((c.factor === undefined) === (c.quantity === undefined)) {
          ctx.addIssue({ code: "custom", path: [key], message: "give either factor (relative) or quantity (absolute), exactly one" });
        } else if (c.quantity !== undefined) {
          const problem = quantityProblem(c.quantity, p.resource);
          if (problem) ctx.addIssue({ code: "custom", path: [key, "quantity"], message: problem });
        }
      }
      const limit = p.limit?.quantity === undefined ? undefined : parseQuantity(p.limit.quantity);
      const request = p.request?.quantity === undefined ? undefined : parseQuantity(p.request.quantity);
      if (limit !== undefined && request !== undefined && request > limit) {
        ctx.addIssue({ code: "custom", path: ["request", "quantity"], message: "must not exceed the limit" });
      }
    }),
  reversible: true,
  requiresApproval: false,
  rbac: [
    rule("apps", ["deployments", "statefulsets", "daemonsets"], ["get", "patch"]),
    rule("", ["nodes", "limitranges", "resourcequotas"], ["list"]),
  ],
  examples: {
    valid: [
      { container: "app", resource: "memory", limit: { factor: 1.5 } },
      { container: "app", resource: "memory", limit: { quantity: "1Gi" }, request: { quantity: "768Mi" } },
      { container: "worker", resource: "cpu", request: { quantity: "500m" } },
    ],
    invalid: [
      { parameters: { container: "app", resource: "memory", limit: { factor: 5 } }, field: "limit.factor" },
      { parameters: { container: "app", resource: "memory", limit: { factor: 1 } }, field: "limit.factor" },
      { parameters: { container: "app", resource: "memory", limit: { quantity: "512m" } }, field: "limit.quantity" },
      { parameters: { container: "app", resource: "cpu", limit: { quantity: "lots" } }, field: "limit.quantity" },
      { parameters: { container: "app", resource: "memory", limit: { factor: 1.5, quantity: "1Gi" } }, field: "limit" },
      { parameters: { container: "app", resource: "memory" }, field: "limit" },
      { parameters: { container: "app", resource: "disk", limit: { factor: 2 } }, field: "resource" },
      { parameters: { container: "App_1", resource: "memory", limit: { factor: 2 } }, field: "container" },
      {
        parameters: { container: "app", resource: "memory", limit: { quantity: "1Gi" }, request: { quantity: "2Gi" } },
        field: "request.quantity",
      },
    ],
  },
});
