// Preflight: a scale-up must fit capacity. The added pods are placed, as the scheduler would, on the
// schedulable nodes' free allocatable (requests and the pod count); pods that would stay Pending deny it.
import { definePolicyCheck } from "../policy-check.js";
import { freeOn, schedulableNodes } from "../preflight/cluster-capacity.js";
import { amountText, podRequests, RESOURCES } from "../preflight/pod-resources.js";
import { deny, refText } from "../verdicts.js";

export const capacityCheck = definePolicyCheck({
  id: "preflight.capacity",
  needsPlan: true,
  async evaluate({ plan }, ctx) {
    const change = plan?.consequences.replicas;
    if (!change || change.to <= change.from) return undefined;
    const added = change.to - change.from;
    const need = podRequests(change.podSpec);
    const nodes = await schedulableNodes(ctx.kube, change.podSpec);
    let room = 0;
    for (const n of nodes) {
      const free = freeOn(n);
      const byResource = RESOURCES.map((r) => (need[r] > 0 ? Math.floor(free[r] / need[r]) : Infinity));
      room += Math.max(0, Math.min(n.allocatable.pods - n.pods.length, ...byResource));
      if (room >= added) return undefined;
    }
    const per = RESOURCES.map((r) => `${amountText(r, need[r])} ${r}`).join(", ");
    return deny(
      "preflight.capacity",
      `scaling ${refText(change.workload)} from ${change.from} to ${change.to} adds ${added} pods of ${per} each, but the schedulable nodes have room for ${room}: the rest would stay Pending`,
    );
  },
});
