// Preflight: a raised request or limit must still fit a node. The pod's requests after the change must fit the
// free allocatable of some schedulable node (its own pod there counted as replaced); a DaemonSet's must fit
// every node it runs on. A limit larger than any node's allocatable could never be used: it fits no node either.
import { definePolicyCheck } from "../policy-check.js";
import { freeOn, schedulableNodes } from "../preflight/cluster-capacity.js";
import { amountText, podLimits, podRequests, RESOURCES } from "../preflight/pod-resources.js";
import { podsOf, workloadSelector } from "../preflight/workload-selector.js";
import { deny, refText } from "../verdicts.js";

export const fitsNodeCheck = definePolicyCheck({
  id: "preflight.fits-node",
  needsPlan: true,
  async evaluate({ plan }, ctx) {
    const change = plan?.consequences.resources;
    if (!change) return undefined;
    const { workload, podSpecAfter } = change;
    const need = podRequests(podSpecAfter);
    const limits = podLimits(podSpecAfter);
    const [nodes, selector] = await Promise.all([schedulableNodes(ctx.kube, podSpecAfter), workloadSelector(ctx.kube, workload)]);
    const what = RESOURCES.map((r) => `${amountText(r, need[r])} ${r}`).join(", ");
    if (nodes.length === 0)
      return deny(
        "preflight.fits-node",
        `no schedulable node would accept a pod of ${refText(workload)} (all cordoned, not Ready, or excluded by its nodeSelector/taints)`,
      );

    for (const r of RESOURCES) {
      const limit = limits[r];
      const biggest = Math.max(...nodes.map((n) => n.allocatable[r]));
      if (limit !== undefined && limit > biggest) {
        return deny(
          "preflight.fits-node",
          `a pod of ${refText(workload)} would have a ${r} limit of ${amountText(r, limit)}, more than any schedulable node can allocate (largest: ${amountText(r, biggest)}): it fits no node`,
        );
      }
    }
    const fits = (n: (typeof nodes)[number]) => {
      const free = freeOn(n, podsOf(n.pods, workload, selector).slice(0, 1));
      return RESOURCES.every((r) => free[r] >= need[r]);
    };
    if (workload.kind === "DaemonSet") {
      const running = nodes.filter((n) => podsOf(n.pods, workload, selector).length > 0);
      const misfits = running.filter((n) => !fits(n)).map((n) => n.name);
      if (misfits.length === 0) return undefined;
      return deny(
        "preflight.fits-node",
        `after the change a pod of ${refText(workload)} requests ${what}, which no longer fits on ${misfits.join(", ")}`,
      );
    }
    if (nodes.some(fits)) return undefined;
    const best = RESOURCES.map((r) => {
      const top = nodes
        .map((n) => ({ n, free: freeOn(n, podsOf(n.pods, workload, selector).slice(0, 1))[r] }))
        .sort((a, b) => b.free - a.free)[0]!;
      return `${amountText(r, Math.max(0, top.free))} ${r} on ${top.n.name}`;
    }).join(", ");
    return deny(
      "preflight.fits-node",
      `after the change a pod of ${refText(workload)} requests ${what}, which fits no schedulable node (most free: ${best})`,
    );
  },
});
