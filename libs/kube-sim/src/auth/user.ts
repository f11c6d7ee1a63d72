// Who a request is: the API server's user.Info (k8s.io/apiserver/pkg/authentication/user), with the well-known
// names and groups the authenticators and the bootstrap RBAC policy refer to.
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const ALL_AUTHENTICATED = "system:authenticated";
export const ALL_UNAUTHENTICATED = "system:unauthenticated";
export const SYSTEM_PRIVILEGED_GROUP = "system:masters";
export const ANONYMOUS = "system:anonymous";
const SA_PREFIX = "system:serviceaccount:";

/** The identity of the default kubeconfig: a kubeadm-style admin, privileged through system:masters. */
export const ADMIN: UserInfo = { name: "kubernetes-admin", groups: [SYSTEM_PRIVILEGED_GROUP, ALL_AUTHENTICATED] };
export const ANONYMOUS_USER: UserInfo = { name: ANONYMOUS, groups: [ALL_UNAUTHENTICATED] };

/** `system:serviceaccount:<ns>:<name>` → its namespace and name. */
export const parseServiceAccountName = (username: string): { namespace: string; name: string } | undefined => {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const [namespace, name, ...rest] = username.slice(SA_PREFIX.length).split(":");
  return namespace && name && rest.length === 0 ? { namespace, name } : undefined;
};

export const serviceAccountUsername = (namespace: string, name: string): string => `${SA_PREFIX}${namespace}:${name}`;

/** The groups the ServiceAccount token authenticator gives every ServiceAccount (serviceaccount.MakeGroupNames). */
export const serviceAccountGroups = (namespace: string): string[] => ["system:serviceaccounts", `system:serviceaccounts:${namespace}`];

/**
 * A user as a token for it authenticates: ServiceAccount names get their ServiceAccount groups, and every
 * authenticated user is in system:authenticated (the API server adds it after any successful authentication).
 */
export const userFor = (name: string, groups: string[] = []): UserInfo => {
  const sa = parseServiceAccountName(name);
  const all = [...groups, ...(sa && groups.length === 0 ? serviceAccountGroups(sa.namespace) : [])];
  if (!all.includes(ALL_AUTHENTICATED)) all.push(ALL_AUTHENTICATED);
  return { name, groups: all };
};

/** A stable key for caching what a user may do. */
export const userKey = (u: UserInfo): string => `${u.name}\u0000${[...u.groups].sort().join("\u0000")}`;
