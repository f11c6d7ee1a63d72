// Admission validation of RBAC objects (pkg/apis/rbac/validation): names are path segments rather than DNS
// subdomains (so "system:aggregate-to-view" is valid), bindings name a role of a kind they may reference, and a
// binding's roleRef never changes.
import type { StatusCause } from "../api/status.js";
import type { KubeObject } from "../types.js";
import { deepEqual } from "../json.js";
import { RBAC } from "./rbac-keys.js";

/** path.IsValidPathSegmentName, as ValidateRBACName uses it. */
export const rbacNameCauses = (name: string): StatusCause[] => {
  const invalidName = (detail: string): StatusCause => ({ field: "metadata.name", message: `Invalid value: "${name}": ${detail}` });
  if (name === "." || name === "..") return [invalidName(`may not be '${name}'`)];
  const causes: StatusCause[] = [];
  for (const bad of ["/", "%"]) if (name.includes(bad)) causes.push(invalidName(`may not contain '${bad}'`));
  return causes;
};

export const rbacCauses = (key: string, o: KubeObject, old: KubeObject | undefined): StatusCause[] => {
  if (key !== RBAC.rolebindings && key !== RBAC.clusterrolebindings) return [];
  const ref = (o.roleRef ?? {}) as { kind?: string; name?: string };
  const kinds = key === RBAC.rolebindings ? ["Role", "ClusterRole"] : ["ClusterRole"];
  const causes: StatusCause[] = [];
  if (!kinds.includes(ref.kind ?? "")) {
    causes.push({
      field: "roleRef.kind",
      reason: "FieldValueNotSupported",
      message: `Unsupported value: "${ref.kind ?? ""}": supported values: ${kinds.map((k) => `"${k}"`).join(", ")}`,
    });
  }
  if (!ref.name) causes.push({ field: "roleRef.name", reason: "FieldValueRequired", message: "Required value" });
  if (old && !deepEqual(old.roleRef, o.roleRef)) {
    causes.push({ field: "roleRef", message: `Invalid value: ${JSON.stringify(o.roleRef)}: cannot change roleRef` });
  }
  return causes;
};
