// Authentication of one request: the bearer token (static kubeconfig tokens, then ServiceAccount tokens), no
// token → anonymous, an unknown token → 401 Unauthorized as the API server answers it.
import type { IncomingHttpHeaders } from "node:http";
import { ApiError } from "../api/status.js";
import type { AuthState } from "./auth-state.js";
import { serviceAccountUser } from "./service-account-token.js";
import { ADMIN, ANONYMOUS_USER, parseServiceAccountName, type UserInfo } from "./user.js";
import { R } from "../api/resources.js";

export const unauthorized = (): ApiError => new ApiError(401, "Unauthorized", "Unauthorized");

const bearerToken = (headers: IncomingHttpHeaders): string | undefined => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "");
  return m?.[1];
};

/** The user a token authenticates as, or undefined when no authenticator accepts it. */
export const userOfToken = (auth: AuthState, token: string): UserInfo | undefined => {
  const user = auth.tokens.lookup(token);
  if (user) return user;
  const claims = auth.serviceAccountTokens.verify(token, auth.cluster.now());
  if (!claims) return undefined;
  // A bound token dies with its ServiceAccount: a recreated one of the same name has a new uid.
  const sa = parseServiceAccountName(claims.sub);
  const current = sa && auth.cluster.get(R.serviceaccounts, sa.namespace, sa.name);
  if (!current || current.metadata.uid !== claims["kubernetes.io"].serviceaccount.uid) return undefined;
  return serviceAccountUser(claims);
};

export const authenticate = (auth: AuthState, headers: IncomingHttpHeaders): UserInfo => {
  const token = bearerToken(headers);
  if (token === undefined) return auth.unauthenticated === "admin" ? ADMIN : ANONYMOUS_USER;
  const user = userOfToken(auth, token);
  if (!user) throw unauthorized();
  return user;
};
