// Store keys of the rbac.authorization.k8s.io kinds.
export const RBAC = {
  roles: "roles.rbac.authorization.k8s.io",
  rolebindings: "rolebindings.rbac.authorization.k8s.io",
  clusterroles: "clusterroles.rbac.authorization.k8s.io",
  clusterrolebindings: "clusterrolebindings.rbac.authorization.k8s.io",
} as const;

export const RBAC_KEYS: ReadonlySet<string> = new Set(Object.values(RBAC));
