// cordon_node: marks the node unschedulable (spec.unschedulable=true); its running pods stay. Revert uncordons.
import { defineActionImplementation } from "../../action-implementation.js";
import { schedulabilityPlan } from "./node-schedulability.js";
import { readTarget, subjectOf } from "./target-object.js";

export const cordonNode = defineActionImplementation({
  name: "cordon_node",
  async plan(ctx) {
    const node = await readTarget(ctx.kube, "Node", ctx.target);
    return { ...schedulabilityPlan(node, true), subject: subjectOf(ctx.target, node) };
  },
});
