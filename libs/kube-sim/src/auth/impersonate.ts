// User impersonation (`kubectl --as`, `--as-group`): the Impersonate-* headers, each value authorized with the
// "impersonate" verb for the acting user, as k8s.io/apiserver's WithImpersonation filter does.
import type { IncomingHttpHeaders } from "node:http";
import { badRequest } from "../api/status.js";
import type { Attributes } from "./attributes.js";
import type { AuthState } from "./auth-state.js";
import { authorize } from "./authorize.js";
import { forbidden } from "./forbidden.js";
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, parseServiceAccountName, serviceAccountGroups, type UserInfo } from "./user.js";

const values = (headers: IncomingHttpHeaders, name: string): string[] => {
  const v = headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
};

const impersonation = (actor: UserInfo, resource: string, name: string, namespace = "", apiGroup = ""): Attributes => ({
  user: actor,
  verb: "impersonate",
  resourceRequest: true,
  path: "",
  apiGroup,
  apiVersion: "",
  resource,
  subresource: "",
  namespace,
  name,
});

/** The user the request acts as: the authenticated one, or whom it may and does impersonate. */
export const impersonate = (auth: AuthState, actor: UserInfo, headers: IncomingHttpHeaders): UserInfo => {
  const [username] = values(headers, "impersonate-user");
  const groups = values(headers, "impersonate-group");
  const uid = values(headers, "impersonate-uid")[0];
  if (username === undefined) {
    if (groups.length > 0 || uid)
      throw badRequest(`requested [${groups.map((g) => `{Group  ${g}  }`).join(" ")}] without impersonating a user`);
    return actor;
  }
  const checks: Attributes[] = [];
  const sa = parseServiceAccountName(username);
  checks.push(sa ? impersonation(actor, "serviceaccounts", sa.name, sa.namespace) : impersonation(actor, "users", username));
  for (const g of groups) checks.push(impersonation(actor, "groups", g));
  if (uid) checks.push(impersonation(actor, "uids", uid, "", "authentication.k8s.io"));
  for (const a of checks) {
    const decision = authorize(auth.rbac, a);
    if (!decision.allowed) throw forbidden(a, decision.reason);
  }
  const all = [...groups, ...(sa && groups.length === 0 ? serviceAccountGroups(sa.namespace) : [])];
  if (username === ANONYMOUS) {
    if (!all.includes(ALL_UNAUTHENTICATED)) all.push(ALL_UNAUTHENTICATED);
  } else if (!all.includes(ALL_AUTHENTICATED) && !all.includes(ALL_UNAUTHENTICATED)) {
    all.push(ALL_AUTHENTICATED);
  }
  return { name: username, groups: all, ...(uid ? { uid } : {}) };
};
