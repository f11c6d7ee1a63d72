// The filters every API request passes before routing, in the API server's order: authentication, impersonation,
// authorization. The simulator's control endpoints (/sim/…) are non-resource URLs like /healthz: cluster-admin's.
import type { IncomingMessage } from "node:http";
import type { Cluster } from "../cluster.js";
import { requestAttributes } from "./attributes.js";
import { authFor } from "./auth-state.js";
import { authenticate } from "./authenticate.js";
import { authorize } from "./authorize.js";
import { forbidden } from "./forbidden.js";
import { impersonate } from "./impersonate.js";
import type { UserInfo } from "./user.js";

/** The user the request acts as; throws 401 or 403 Status errors when it may not go on. */
export const guardRequest = (cluster: Cluster, req: IncomingMessage, url: URL): UserInfo => {
  const auth = authFor(cluster);
  const user = impersonate(auth, authenticate(auth, req.headers), req.headers);
  const attributes = requestAttributes(user, req.method ?? "GET", url.pathname, url.searchParams);
  const decision = authorize(auth.rbac, attributes);
  if (!decision.allowed) throw forbidden(attributes, decision.reason);
  return user;
};
