// The target's kind must be one the action acts on (the catalog's targetKinds), and a namespaced target must
// name its namespace: anything else is a proposal the executor cannot interpret safely.
import { definePolicyCheck } from "../policy-check.js";
import { deny, refText } from "../verdicts.js";

const CLUSTER_SCOPED = new Set(["Node", "Namespace"]);

export const targetKindCheck = definePolicyCheck({
  id: "target-kind",
  evaluate({ proposal, action }) {
    const { target } = proposal;
    if (!(action.targetKinds as readonly string[]).includes(target.kind)) {
      return deny("target-kind", `${action.name} acts on ${action.targetKinds.join(", ")}, not on ${refText(target)}`);
    }
    const scoped = CLUSTER_SCOPED.has(target.kind);
    if (!scoped && !target.namespace) return deny("target-kind", `${refText(target)} names no namespace`);
    if (scoped && target.namespace)
      return deny("target-kind", `${target.kind} is cluster-scoped, but the target names namespace "${target.namespace}"`);
    return undefined;
  },
});
