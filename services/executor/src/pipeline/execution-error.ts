// How a failure reads in the execution record: the message, the HTTP status when the API server answered, and for
// a 403 the permission the executor lacks, so the fix ("grant patch on deployments in shop") is in the record.
import { type ExecutionMessage, rbacVerb } from "@vigil/contracts";
import { KubeApiError } from "@vigil/kube";

export type ExecutionError = NonNullable<ExecutionMessage["error"]>;

export function executionErrorOf(err: unknown): ExecutionError {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof KubeApiError)) return { message: message || "unknown error" };
  const out: ExecutionError = { message: message || err.reason, ...(err.status >= 100 ? { httpStatus: err.status } : {}) };
  const f = err.forbidden;
  if (err.status === 403 && f) {
    const verb = rbacVerb.safeParse(f.verb === "evict" ? "create" : f.verb);
    const resource = f.subresource ? `${f.resource}/${f.subresource}` : f.resource;
    if (verb.success) out.missingPermission = { apiGroup: f.group, resource, verb: verb.data };
    out.message = `RBAC: the executor may not ${f.verb} ${resource}${f.group ? `.${f.group}` : ""}${f.namespace ? ` in namespace ${f.namespace}` : " at cluster scope"}; grant it in the executor's Role (${message})`;
  }
  return out;
}
