// Preflight: the namespace's LimitRanges must admit the pods after the change, as the LimitRanger admission
// plugin would: per Container max (limits), min (requests) and maxLimitRequestRatio, and per Pod max/min of
// the summed limits and requests. A pod it refuses would never be created.
import type { V1PodSpec } from "@kubernetes/client-node";
import { parseQuantity, type PolicyRuleMatch } from "@vigil/contracts";
import { definePolicyCheck } from "../policy-check.js";
import { amountText, containerLimit, containerRequest, podLimits, podRequests, RESOURCES } from "../preflight/pod-resources.js";
import { deny } from "../verdicts.js";

const q = (v: string | undefined): number | undefined => (v === undefined ? undefined : parseQuantity(v));

export const limitRangeCheck = definePolicyCheck({
  id: "preflight.limit-range",
  needsPlan: true,
  async evaluate({ plan }, ctx) {
    const c = plan?.consequences;
    const change = c?.resources ?? (c?.replicas ? { workload: c.replicas.workload, podSpecAfter: c.replicas.podSpec } : undefined);
    if (!change?.workload.namespace) return undefined;
    const spec: V1PodSpec = change.podSpecAfter;
    const out: PolicyRuleMatch[] = [];
    for (const lr of await ctx.kube.list("LimitRange", { namespace: change.workload.namespace })) {
      const name = `LimitRange ${change.workload.namespace}/${lr.metadata?.name}`;
      for (const item of lr.spec?.limits ?? []) {
        for (const r of RESOURCES) {
          const max = q(item.max?.[r]);
          const min = q(item.min?.[r]);
          const ratio = q(item.maxLimitRequestRatio?.[r]);
          if (item.type === "Container") {
            for (const ctr of spec.containers) {
              const limit = containerLimit(ctr, r);
              const request = containerRequest(ctr, r);
              if (max !== undefined && limit !== undefined && limit > max) {
                out.push(
                  deny(
                    "preflight.limit-range",
                    `${name}: maximum ${r} per Container is ${amountText(r, max)}, but container "${ctr.name}" would have a limit of ${amountText(r, limit)}`,
                  ),
                );
              }
              if (min !== undefined && request < min) {
                out.push(
                  deny(
                    "preflight.limit-range",
                    `${name}: minimum ${r} per Container is ${amountText(r, min)}, but container "${ctr.name}" would request ${amountText(r, request)}`,
                  ),
                );
              }
              if (ratio !== undefined && limit !== undefined && request > 0 && limit / request > ratio) {
                out.push(
                  deny(
                    "preflight.limit-range",
                    `${name}: ${r} limit to request ratio per Container is at most ${ratio}, but container "${ctr.name}" would have ${(limit / request).toFixed(2)}`,
                  ),
                );
              }
            }
          } else if (item.type === "Pod") {
            const limit = podLimits(spec)[r];
            const request = podRequests(spec)[r];
            if (max !== undefined && limit !== undefined && limit > max) {
              out.push(
                deny(
                  "preflight.limit-range",
                  `${name}: maximum ${r} per Pod is ${amountText(r, max)}, but the pod's limits would sum to ${amountText(r, limit)}`,
                ),
              );
            }
            if (min !== undefined && request < min) {
              out.push(
                deny(
                  "preflight.limit-range",
                  `${name}: minimum ${r} per Pod is ${amountText(r, min)}, but the pod would request ${amountText(r, request)}`,
                ),
              );
            }
          }
        }
      }
    }
    return out;
  },
});
