// The action must exist in the catalog and its parameters must validate against its schema again here: the
// proposal was validated when published, but the executor trusts nothing it did not check itself.
import { getAction, validateActionParameters } from "@vigil/contracts";
import { definePolicyCheck } from "../policy-check.js";
import { deny } from "../verdicts.js";

export const catalogCheck = definePolicyCheck({
  id: "catalog",
  evaluate(input) {
    const name = input.proposal.action as string;
    if (!getAction(name)) return deny("catalog.unknown-action", `unknown action "${name}": not in the catalog, denied by default`);
    const result = validateActionParameters(name, input.proposal.parameters);
    if (!result.ok)
      return deny(
        "catalog.parameters",
        `parameters of ${name} do not validate: ${result.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      );
    return undefined;
  },
});
