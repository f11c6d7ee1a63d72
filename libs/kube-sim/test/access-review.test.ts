// The access and identity reviews: `kubectl auth can-i` (SelfSubjectAccessReview, with --as through impersonation),
// `kubectl auth can-i --list` (SelfSubjectRulesReview), SubjectAccessReview, LocalSubjectAccessReview and
// TokenReview through client-node, and their discovery.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AuthenticationV1Api, AuthorizationV1Api } from "@kubernetes/client-node";
import { kubectlFor, kubectlMissing } from "./kubectl-helpers.js";
import { apiError, clientsFor, startSim } from "./sim-helpers.js";

const EXECUTOR = "system:serviceaccount:vigil:executor";

const executorRbac = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "restarter", namespace: "shop" },
    rules: [
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "patch"] },
      { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
    ],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "executor-restarter", namespace: "shop" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "restarter" },
    subjects: [{ kind: "ServiceAccount", name: "executor", namespace: "vigil" }],
  },
];

test("kubectl auth can-i answers for the caller and, with --as, for another identity; exit status 1 means no", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await startSim();
  t.after(() => sim.stop());
  sim.load(executorRbac);
  const admin = await kubectlFor(sim);
  const executor = await kubectlFor(sim, { kubeconfigText: sim.kubeconfig({ user: EXECUTOR }) });
  t.after(() => Promise.all([admin.close(), executor.close()]));

  assert.equal((await admin("auth", "can-i", "delete", "nodes")).trim(), "yes");
  assert.equal((await executor("auth", "can-i", "patch", "deployments.apps", "-n", "shop")).trim(), "yes");
  assert.equal((await executor("auth", "can-i", "create", "pods", "--subresource=eviction", "-n", "shop")).trim(), "yes");
  // kubectl prints "no" on stdout and exits 1.
  const no = await executor("auth", "can-i", "delete", "deployments.apps", "-n", "shop").catch((e: { code: number; stdout: string }) => e);
  assert.equal(typeof no === "string" ? no : [no.code, no.stdout.trim()].join(" "), "1 no");
  const other = await executor("auth", "can-i", "patch", "deployments.apps", "-n", "payments").catch((e: { stdout: string }) => e.stdout);
  assert.equal(other.trim(), "no");
  assert.equal((await admin("auth", "can-i", "patch", "deployments", "-n", "shop", "--as", EXECUTOR)).trim(), "yes");
  const asNo = await admin("auth", "can-i", "get", "secrets", "-n", "shop", "--as", EXECUTOR).catch((e: { stdout: string }) => e.stdout);
  assert.equal(asNo.trim(), "no");
});

test("kubectl auth can-i --list prints the caller's rules in a namespace (SelfSubjectRulesReview)", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await startSim();
  t.after(() => sim.stop());
  sim.load(executorRbac);
  const executor = await kubectlFor(sim, { kubeconfigText: sim.kubeconfig({ user: EXECUTOR }) });
  t.after(() => executor.close());
  const list = await executor("auth", "can-i", "--list", "-n", "shop");
  assert.match(list, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
  assert.match(list, /^deployments\.apps\s+\[\]\s+\[\]\s+\[get list patch\]$/m);
  assert.match(list, /^pods\/eviction\s+\[\]\s+\[\]\s+\[create\]$/m);
  assert.match(list, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
  assert.doesNotMatch(await executor("auth", "can-i", "--list", "-n", "default"), /deployments/);
});

test("SubjectAccessReview and LocalSubjectAccessReview answer for any subject, with the RBAC reason", async (t) => {
  const sim = await startSim();
  t.after(() => sim.stop());
  sim.load(executorRbac);
  const authz = clientsFor(sim).kc.makeApiClient(AuthorizationV1Api);
  const attrs = { namespace: "shop", verb: "patch", group: "apps", resource: "deployments", name: "web" };
  const allowed = await authz.createSubjectAccessReview({
    body: { spec: { user: EXECUTOR, groups: ["system:serviceaccounts", "system:serviceaccounts:vigil"], resourceAttributes: attrs } },
  });
  assert.equal(allowed.status?.allowed, true);
  assert.equal(
    allowed.status?.reason,
    'RBAC: allowed by RoleBinding "executor-restarter/shop" of Role "restarter" to ServiceAccount "executor/vigil"',
  );
  const denied = await authz.createSubjectAccessReview({ body: { spec: { user: "mallory", resourceAttributes: attrs } } });
  assert.equal(denied.status?.allowed, false);
  const local = await authz.createNamespacedLocalSubjectAccessReview({
    namespace: "shop",
    body: {
      metadata: { namespace: "shop" },
      spec: { user: EXECUTOR, resourceAttributes: { verb: "create", resource: "pods", subresource: "eviction" } },
    },
  });
  assert.equal(local.status?.allowed, true);
  const nonResource = await authz.createSubjectAccessReview({
    body: { spec: { groups: ["system:authenticated"], nonResourceAttributes: { path: "/version", verb: "get" } } },
  });
  assert.equal(nonResource.status?.allowed, true);
  const noSubject = await apiError(authz.createSubjectAccessReview({ body: { spec: { resourceAttributes: attrs } } }));
  assert.equal(noSubject.code, 422);
  assert.match(noSubject.status.message ?? "", /at least one of user or group must be specified/);
  // Reviews about others are not for everyone: the executor may not ask.
  const kc = new (await import("@kubernetes/client-node")).KubeConfig();
  kc.loadFromString(sim.kubeconfig({ user: EXECUTOR }));
  const refused = await apiError(
    kc.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({ body: { spec: { user: "x", resourceAttributes: attrs } } }),
  );
  assert.equal(refused.code, 403);
  assert.equal(
    refused.status.message,
    `subjectaccessreviews.authorization.k8s.io is forbidden: User "${EXECUTOR}" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope`,
  );
});

test("TokenReview validates a token as the API server would for a webhook", async (t) => {
  const sim = await startSim();
  t.after(() => sim.stop());
  const authn = clientsFor(sim).kc.makeApiClient(AuthenticationV1Api);
  const token = sim.token({ user: "alice", groups: ["sre"] });
  const ok = await authn.createTokenReview({ body: { spec: { token } } });
  assert.equal(ok.status?.authenticated, true);
  assert.equal(ok.status?.user?.username, "alice");
  assert.deepEqual(ok.status?.user?.groups, ["sre", "system:authenticated"]);
  const bad = await authn.createTokenReview({ body: { spec: { token: "forged" } } });
  assert.notEqual(bad.status?.authenticated, true);
});

test("discovery lists rbac, authorization and authentication resources as kubectl api-resources shows them", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await startSim();
  t.after(() => sim.stop());
  const admin = await kubectlFor(sim);
  t.after(() => admin.close());
  const resources = await admin("api-resources", "--no-headers");
  assert.match(resources, /^clusterrolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRoleBinding$/m);
  assert.match(resources, /^rolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+RoleBinding$/m);
  assert.match(resources, /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview$/m);
  assert.match(resources, /^localsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+true\s+LocalSubjectAccessReview$/m);
  assert.match(resources, /^selfsubjectreviews\s+authentication\.k8s\.io\/v1\s+false\s+SelfSubjectReview$/m);
  assert.match(resources, /^tokenreviews\s+authentication\.k8s\.io\/v1\s+false\s+TokenReview$/m);
  const v1beta1 = (await (await fetch(`${sim.url}/apis/authentication.k8s.io/v1beta1`)).json()) as { resources: Array<{ name: string }> };
  assert.deepEqual(
    v1beta1.resources.map((r) => r.name),
    ["selfsubjectreviews"],
  );
});
