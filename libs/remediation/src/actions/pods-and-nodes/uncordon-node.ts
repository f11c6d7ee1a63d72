// uncordon_node: clears spec.unschedulable so the node takes new pods again. Revert cordons it back.
import { defineActionImplementation } from "../../action-implementation.js";
import { schedulabilityPlan } from "./node-schedulability.js";
import { readTarget, subjectOf } from "./target-object.js";

export const uncordonNode = defineActionImplementation({
  name: "uncordon_node",
  async plan(ctx) {
    const node = await readTarget(ctx.kube, "Node", ctx.target);
    return { ...schedulabilityPlan(node, false), subject: subjectOf(ctx.target, node) };
  },
});
