// cordon_node and uncordon_node: one merge patch of spec.unschedulable, as `kubectl cordon` / `uncordon` send it
// (uncordon removes the field, which is how kubectl's patch of `false` reaches the server: the field is omitempty).
// Running pods are untouched. A node already in the wanted state is a refusal, never a success.
import type { V1Node } from "@kubernetes/client-node";
import { ActionRefusal, type ActionPlan, type FieldSnapshot } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import type { KubeReader, KubeWriter } from "../../kube-ops.js";

export const UNSCHEDULABLE = "spec.unschedulable";

export const isCordoned = (node: V1Node | undefined): boolean => node?.spec?.unschedulable === true;

/** Sets spec.unschedulable through `kube` (dry run or live); resolves with the field as the API server answered. */
export async function setUnschedulable(kube: KubeWriter, name: string, unschedulable: boolean): Promise<FieldSnapshot> {
  const node = await kube.patch({ kind: "Node", name }, "merge", { spec: { unschedulable: unschedulable ? true : null } });
  return { [UNSCHEDULABLE]: isCordoned(node) };
}

async function verifySchedulability(kube: KubeReader, name: string, unschedulable: boolean) {
  const node = await kube.find({ kind: "Node", name });
  if (!node) return { ok: false as const, detail: `node ${name} no longer exists` };
  return isCordoned(node) === unschedulable
    ? { ok: true as const, detail: `node ${name} is ${unschedulable ? "cordoned (SchedulingDisabled)" : "schedulable again"}` }
    : { ok: false as const, detail: `node ${name} has spec.unschedulable=${isCordoned(node)}, expected ${unschedulable}` };
}

/** The plan of a cordon (`unschedulable`: true) or uncordon (false) of a node read while planning. */
export function schedulabilityPlan(node: V1Node, unschedulable: boolean): Omit<ActionPlan, "subject"> {
  const name = node.metadata?.name ?? "";
  const current = isCordoned(node);
  if (current === unschedulable)
    throw new ActionRefusal(
      unschedulable
        ? `node ${name} is already cordoned (spec.unschedulable=true): nothing to change; uncordon_node undoes it, drain_node also evicts its pods`
        : `node ${name} is not cordoned (it already takes new pods): nothing to uncordon`,
    );
  return {
    summary: unschedulable
      ? `cordon node ${name}: no new pods are scheduled on it, running pods stay`
      : `uncordon node ${name}: it takes new pods again`,
    before: { [UNSCHEDULABLE]: current },
    consequences: {
      ...(unschedulable ? { cordonedNodes: [name] } : {}),
      writes: [{ object: node, fields: [fieldPath("spec", "unschedulable")] }],
    },
    apply: async (kube) => ({ after: await setUnschedulable(kube, name, unschedulable) }),
    verify: (kube) => verifySchedulability(kube, name, unschedulable),
    revert: (kube) => setUnschedulable(kube, name, current),
  };
}
