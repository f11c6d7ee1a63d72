// How far one action may go, from the plan's consequences: replicas after the change and the step from today,
// container limits after (memory, CPU) and the factor of one change, and the pods one action may evict.
// Bounds catch a wrong diagnosis before it becomes a large change; preflight then checks the cluster can take it.
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { parseQuantity, type PolicyRuleMatch } from "@vigil/contracts";
import { definePolicyCheck } from "../policy-check.js";
import { deny, refText } from "../verdicts.js";

type Field = "limits" | "requests";
const RESOURCES = ["memory", "cpu"] as const;

const quantityOf = (c: V1Container | undefined, field: Field, resource: string): number | undefined => {
  const q = c?.resources?.[field]?.[resource];
  return q === undefined ? undefined : parseQuantity(String(q));
};

const containersOf = (spec: V1PodSpec): V1Container[] => [...(spec.initContainers ?? []), ...spec.containers];

export const boundsCheck = definePolicyCheck({
  id: "bounds",
  evaluate({ plan, parameters, action }, ctx) {
    const b = ctx.policy.bounds;
    const out: PolicyRuleMatch[] = [];
    const c = plan?.consequences;
    if (c?.replicas) {
      const { workload, from, to } = c.replicas;
      if (to > b.maxReplicas)
        out.push(
          deny("bounds.max-replicas", `${refText(workload)} would get ${to} replicas, above the policy's maxReplicas of ${b.maxReplicas}`),
        );
      if (Math.abs(to - from) > b.maxReplicaStep) {
        out.push(
          deny(
            "bounds.replica-step",
            `${refText(workload)} would go from ${from} to ${to} replicas, a step of ${Math.abs(to - from)}; the policy allows at most ${b.maxReplicaStep} per action`,
          ),
        );
      }
    }
    // An HPA's bounds are replica counts too: a max above the policy's would let the HPA do what Vigil may not.
    if (action.name === "update_hpa") {
      for (const key of ["minReplicas", "maxReplicas"] as const) {
        const v = parameters[key];
        if (typeof v === "number" && v > b.maxReplicas)
          out.push(deny("bounds.max-replicas", `update_hpa would set ${key} to ${v}, above the policy's maxReplicas of ${b.maxReplicas}`));
      }
    }
    if (c?.resources) {
      const { workload, podSpecAfter, podSpecBefore } = c.resources;
      const max = { memory: parseQuantity(b.maxMemoryLimit)!, cpu: parseQuantity(b.maxCpuLimit)! };
      const maxText = { memory: b.maxMemoryLimit, cpu: b.maxCpuLimit };
      for (const container of containersOf(podSpecAfter)) {
        const before = containersOf(podSpecBefore).find((x) => x.name === container.name);
        for (const resource of RESOURCES) {
          for (const field of ["limits", "requests"] as const) {
            const after = quantityOf(container, field, resource);
            const was = quantityOf(before, field, resource);
            if (after === undefined || after === was) continue;
            const where = `container "${container.name}" of ${refText(workload)}`;
            const text = String(container.resources?.[field]?.[resource]);
            if (after > max[resource]) {
              out.push(
                deny(
                  `bounds.max-${resource}-limit`,
                  `${where} would get a ${resource} ${field.slice(0, -1)} of ${text}, above the policy's max of ${maxText[resource]}`,
                ),
              );
            }
            if (was !== undefined && was > 0 && after / was > b.maxResourceFactor) {
              out.push(
                deny(
                  "bounds.resource-factor",
                  `${where}: ${resource} ${field.slice(0, -1)} ${String(before?.resources?.[field]?.[resource])} → ${text} is ×${(after / was).toFixed(2)}; the policy allows at most ×${b.maxResourceFactor} per change`,
                ),
              );
            }
          }
        }
      }
    }
    const evicted = c?.disruptedPods?.length ?? 0;
    if (evicted > b.maxEvictionsPerAction) {
      out.push(
        deny(
          "bounds.evictions",
          `${action.name} would evict or delete ${evicted} pods; the policy allows at most ${b.maxEvictionsPerAction} per action`,
        ),
      );
    }
    return out;
  },
});
