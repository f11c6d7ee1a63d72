import { defineAction, noParameters } from "../action-definition.js";
import { rule } from "../rbac.js";

export const rotateSecrets = defineAction({
  name: "rotate_secrets",
  title: "Force a secret refresh",
  description:
    "Annotates the ExternalSecret (external-secrets.io) that manages the target so the operator re-fetches it now. A Secret target is matched to its ExternalSecret by spec.target.name. Refused when the External Secrets API is not installed or nothing manages the Secret.",
  risk: "medium",
  targetKinds: ["ExternalSecret", "Secret"],
  parameters: noParameters(),
  reversible: false,
  requiresApproval: false,
  // Finding the ExternalSecret by listing them means Vigil never needs to read Secret values.
  rbac: [rule("external-secrets.io", "externalsecrets", ["get", "list", "patch"])],
  examples: { valid: [{}], invalid: [{ parameters: { secret: "db-password" }, field: "secret" }] },
});
