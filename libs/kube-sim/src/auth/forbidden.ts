// 403 Forbidden in the API server's exact wording: responsewriters.forbiddenMessage wrapped by
// apierrors.NewForbidden (`pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "shop"`).
import { ApiError } from "../api/status.js";
import type { Attributes } from "./attributes.js";

export const forbiddenMessage = (a: Attributes): string => {
  const who = `User "${a.user.name}"`;
  if (!a.resourceRequest) return `${who} cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : "at the cluster scope";
  return `${who} cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
};

export const forbidden = (a: Attributes, reason: string): ApiError => {
  const detail = reason ? `${forbiddenMessage(a)}: ${reason}` : forbiddenMessage(a);
  if (!a.resourceRequest || !a.resource) return new ApiError(403, "Forbidden", `forbidden: ${detail}`, {});
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  return new ApiError(403, "Forbidden", `${subject} is forbidden: ${detail}`, {
    ...(a.name ? { name: a.name } : {}),
    ...(a.apiGroup ? { group: a.apiGroup } : {}),
    kind: a.resource,
  });
};
