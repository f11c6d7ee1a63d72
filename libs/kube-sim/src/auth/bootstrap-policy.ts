// The default ClusterRoles and ClusterRoleBindings kube-apiserver creates at start (plugin/pkg/auth/authorizer/rbac/
// bootstrappolicy/policy.go, 1.31), limited to the ones that matter to clients of the simulator. admin, edit and view
// are aggregated from the system:aggregate-to-* roles, as on a real cluster.
import type { Cluster } from "../cluster.js";
import type { KubeObject } from "../types.js";
import { RBAC } from "./rbac-keys.js";
import type { PolicyRule } from "./rbac-rules.js";
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, SYSTEM_PRIVILEGED_GROUP } from "./user.js";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const READ_WRITE = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-";

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

const AGGREGATE_TO_VIEW: PolicyRule[] = [
  rule(
    READ,
    [""],
    [
      "pods",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "serviceaccounts",
      "services",
      "services/status",
      "endpoints",
      "persistentvolumeclaims",
      "persistentvolumeclaims/status",
      "configmaps",
    ],
  ),
  rule(
    READ,
    [""],
    [
      "limitranges",
      "resourcequotas",
      "bindings",
      "events",
      "pods/status",
      "resourcequotas/status",
      "namespaces/status",
      "replicationcontrollers/status",
      "pods/log",
    ],
  ),
  rule(READ, [""], ["namespaces"]),
  rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
  rule(
    READ,
    ["apps"],
    [
      "controllerrevisions",
      "statefulsets",
      "statefulsets/scale",
      "statefulsets/status",
      "daemonsets",
      "daemonsets/status",
      "deployments",
      "deployments/scale",
      "deployments/status",
      "replicasets",
      "replicasets/scale",
      "replicasets/status",
    ],
  ),
  rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
  rule(READ, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
  rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
  rule(READ, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
];

const AGGREGATE_TO_EDIT: PolicyRule[] = [
  rule(READ, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
  rule(["impersonate"], [""], ["serviceaccounts"]),
  rule(WRITE, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
  rule(["create"], [""], ["pods/eviction"]),
  rule(
    WRITE,
    [""],
    [
      "configmaps",
      "events",
      "persistentvolumeclaims",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "secrets",
      "serviceaccounts",
      "services",
      "services/proxy",
    ],
  ),
  rule(["create"], [""], ["serviceaccounts/token"]),
  rule(
    WRITE,
    ["apps"],
    [
      "daemonsets",
      "deployments",
      "deployments/rollback",
      "deployments/scale",
      "replicasets",
      "replicasets/scale",
      "statefulsets",
      "statefulsets/scale",
    ],
  ),
  rule(WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
  rule(WRITE, ["batch"], ["cronjobs", "jobs"]),
  rule(WRITE, ["policy"], ["poddisruptionbudgets"]),
  rule(WRITE, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
  rule(READ_WRITE, ["coordination.k8s.io"], ["leases"]),
];

const AGGREGATE_TO_ADMIN: PolicyRule[] = [
  rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
  rule(READ_WRITE, ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
];

const PUBLIC_INFO = ["/healthz", "/livez", "/readyz", "/version", "/version/"];

const meta = (name: string, labels: Record<string, string> = {}) => ({
  name,
  labels: { "kubernetes.io/bootstrapping": "rbac-defaults", ...labels },
  annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
});

const clusterRole = (name: string, rules: PolicyRule[], labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: meta(name, labels),
  rules,
});

/** An aggregated role: its rules are the union of the roles labelled aggregate-to-<name> (see aggregation.ts). */
const aggregatedRole = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  ...clusterRole(name, [], labels),
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`${AGGREGATE}${name}`]: "true" } }] },
});

const binding = (role: string, groups: string[]): KubeObject => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: meta(role),
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
  subjects: groups.map((name) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name })),
});

export const bootstrapClusterRoles = (): KubeObject[] => [
  clusterRole("cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]),
  aggregatedRole("admin"),
  aggregatedRole("edit", { [`${AGGREGATE}admin`]: "true" }),
  aggregatedRole("view", { [`${AGGREGATE}edit`]: "true" }),
  clusterRole("system:aggregate-to-admin", AGGREGATE_TO_ADMIN, { [`${AGGREGATE}admin`]: "true" }),
  clusterRole("system:aggregate-to-edit", AGGREGATE_TO_EDIT, { [`${AGGREGATE}edit`]: "true" }),
  clusterRole("system:aggregate-to-view", AGGREGATE_TO_VIEW, { [`${AGGREGATE}view`]: "true" }),
  clusterRole("system:discovery", [
    urls(
      ["get"],
      ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"],
    ),
  ]),
  clusterRole("system:basic-user", [
    rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
    rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
  ]),
  clusterRole("system:public-info-viewer", [urls(["get"], PUBLIC_INFO)]),
  clusterRole("system:auth-delegator", [
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
  ]),
];

export const bootstrapClusterRoleBindings = (): KubeObject[] => [
  binding("cluster-admin", [SYSTEM_PRIVILEGED_GROUP]),
  binding("system:discovery", [ALL_AUTHENTICATED]),
  binding("system:basic-user", [ALL_AUTHENTICATED]),
  binding("system:public-info-viewer", [ALL_AUTHENTICATED, ALL_UNAUTHENTICATED]),
];

/** Creates the default roles and bindings, as the API server's RBAC post-start hook does. */
export const bootstrapPolicy = (cluster: Cluster): void => {
  for (const role of bootstrapClusterRoles()) {
    if (!cluster.get(RBAC.clusterroles, undefined, role.metadata.name!)) cluster.create(RBAC.clusterroles, role);
  }
  for (const b of bootstrapClusterRoleBindings()) {
    if (!cluster.get(RBAC.clusterrolebindings, undefined, b.metadata.name!)) cluster.create(RBAC.clusterrolebindings, b);
  }
};
