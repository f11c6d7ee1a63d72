// The API server's authorizer chain: the system:masters group is allowed everything before any other authorizer
// runs (as kube-apiserver's privileged-group authorizer does), then RBAC decides.
import type { Attributes } from "./attributes.js";
import type { RbacIndex } from "./rbac-index.js";
import { ruleAllows } from "./rbac-rules.js";
import { SYSTEM_PRIVILEGED_GROUP } from "./user.js";

export interface Decision {
  allowed: boolean;
  /** "RBAC: allowed by …" when allowed; missing roles ("RBAC: clusterrole … not found") when denied. */
  reason: string;
}

export const authorize = (rbac: RbacIndex, a: Attributes): Decision => {
  if (a.user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) return { allowed: true, reason: "" };
  const resolved = rbac.resolve(a.user, a.resourceRequest ? a.namespace : "");
  for (const source of resolved.sources) {
    if (source.rules.some((r) => ruleAllows(a, r))) return { allowed: true, reason: `RBAC: allowed by ${source.describe}` };
  }
  const errors = resolved.errors;
  const reason = errors.length === 0 ? "" : `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`}`;
  return { allowed: false, reason };
};
