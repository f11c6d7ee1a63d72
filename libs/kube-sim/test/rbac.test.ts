// RBAC on every request: Roles, ClusterRoles (aggregated too) and their bindings, enforced for kubectl and
// client-node with the API server's 403 wording; the bootstrap policy; and the tables kubectl prints for them.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeSim } from "../src/index.js";
import { kubectlFor, kubectlMissing, type Kubectl } from "./kubectl-helpers.js";
import { startSim } from "./sim-helpers.js";

const EXECUTOR = "system:serviceaccount:vigil:executor";

/** A simulator with namespaces shop and vigil, an admin kubectl and one for the executor ServiceAccount. */
const setup = async (t: { after: (fn: () => Promise<unknown>) => void }): Promise<{ sim: KubeSim; admin: Kubectl; executor: Kubectl }> => {
  const sim = await startSim();
  const admin = await kubectlFor(sim);
  const executor = await kubectlFor(sim, { kubeconfigText: sim.kubeconfig({ user: EXECUTOR }) });
  t.after(async () => {
    await Promise.all([admin.close(), executor.close()]);
    await sim.stop();
  });
  await admin("create", "namespace", "shop");
  await admin("create", "namespace", "vigil");
  await admin("create", "serviceaccount", "executor", "-n", "vigil");
  await admin("create", "configmap", "settings", "-n", "shop", "--from-literal=mode=fast");
  await admin("create", "deployment", "web", "-n", "shop", "--image=nginx:1.27", "--replicas=1");
  return { sim, admin, executor };
};

test("an identity without bindings is forbidden everything but discovery, in the API server's exact words", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const { executor } = await setup(t);
  const forbidden = (rest: string) => new RegExp(`Error from server \\(Forbidden\\): ${rest.replace(/[()[\]]/g, "\\$&")}`);
  assert.match(
    await executor.fails("get", "pods", "-n", "shop"),
    forbidden(`pods is forbidden: User "${EXECUTOR}" cannot list resource "pods" in API group "" in the namespace "shop"`),
  );
  assert.match(
    await executor.fails("get", "deployment", "web", "-n", "shop"),
    forbidden(
      `deployments.apps "web" is forbidden: User "${EXECUTOR}" cannot get resource "deployments" in API group "apps" in the namespace "shop"`,
    ),
  );
  assert.match(
    await executor.fails("get", "nodes"),
    forbidden(`nodes is forbidden: User "${EXECUTOR}" cannot list resource "nodes" in API group "" at the cluster scope`),
  );
  assert.match(
    await executor.fails("get", "--raw", "/apis/apps/v1/namespaces/shop/deployments/web/scale"),
    forbidden(
      `deployments.apps "web" is forbidden: User "${EXECUTOR}" cannot get resource "deployments/scale" in API group "apps" in the namespace "shop"`,
    ),
  );
  // Discovery is every authenticated user's (system:discovery), so kubectl got as far as these requests.
  assert.match(await executor("api-resources", "--api-group=apps", "--no-headers"), /deployments/);
});

test("a Role and RoleBinding grant exactly their verbs, resources, names and subresources, in their namespace only", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const { admin, executor } = await setup(t);
  await admin("create", "role", "scaler", "-n", "shop", "--verb=get,list,watch", "--resource=deployments,pods");
  await admin(
    "create",
    "role",
    "scale-web",
    "-n",
    "shop",
    "--verb=get,patch,update",
    "--resource=deployments/scale",
    "--resource-name=web",
  );
  await admin("create", "rolebinding", "executor-scaler", "-n", "shop", "--role=scaler", `--serviceaccount=vigil:executor`);
  await admin("create", "rolebinding", "executor-scale-web", "-n", "shop", "--role=scale-web", `--serviceaccount=vigil:executor`);

  assert.match(await executor("get", "deployments", "-n", "shop"), /^web\s/m);
  assert.match(await executor("scale", "deployment", "web", "-n", "shop", "--replicas=2"), /deployment.apps\/web scaled/);
  assert.match(
    await executor.fails("set", "image", "deployment/web", "-n", "shop", "nginx=nginx:1.28"),
    /deployments.apps "web" is forbidden: User "system:serviceaccount:vigil:executor" cannot patch resource "deployments" in API group "apps" in the namespace "shop"/,
  );
  assert.match(
    await executor.fails("get", "configmap", "settings", "-n", "shop"),
    /configmaps "settings" is forbidden: User "system:serviceaccount:vigil:executor" cannot get resource "configmaps"/,
  );
  assert.match(
    await executor.fails("get", "deployments", "-n", "vigil"),
    /cannot list resource "deployments" in API group "apps" in the namespace "vigil"/,
  );
  // A watch is its own verb: get --watch is allowed by the role, and the first event arrives.
  assert.match(await executor("get", "deployment", "web", "-n", "shop", "--watch", "--request-timeout=2s").catch((e) => e.stdout), /web/);

  // Removing the binding takes the access away at once.
  await admin("delete", "rolebinding", "executor-scaler", "-n", "shop");
  assert.match(await executor.fails("get", "deployments", "-n", "shop"), /cannot list resource "deployments"/);
});

test("ClusterRoleBinding to view: reads everywhere, no writes, no secrets; aggregated roles pick up new aggregate-to-view rules", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const { admin, executor } = await setup(t);
  await admin("create", "clusterrolebinding", "executor-view", "--clusterrole=view", `--serviceaccount=vigil:executor`);
  assert.match(await executor("get", "pods,deployments,configmaps", "-n", "shop"), /deployment.apps\/web/);
  assert.match(await executor("get", "deployments", "-A"), /shop\s+web/);
  assert.match(await executor.fails("delete", "configmap", "settings", "-n", "shop"), /cannot delete resource "configmaps"/);
  assert.match(await executor.fails("get", "secrets", "-n", "shop"), /cannot list resource "secrets"/);
  assert.match(await executor.fails("get", "nodes"), /cannot list resource "nodes" in API group "" at the cluster scope/);

  // A ClusterRole labelled aggregate-to-view extends view (and, through it, edit and admin) on the next pass.
  await admin.apply({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "view-nodes", labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } },
    rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] }],
  });
  assert.match(await executor("get", "nodes", "-o", "name"), /^$|node\//);
  assert.match(await admin("get", "clusterrole", "admin", "-o", "jsonpath={.rules[*].resources}"), /nodes/);
});

test("a binding to a missing role grants nothing and says so after the 403", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const { admin, executor } = await setup(t);
  await admin("create", "rolebinding", "dangling", "-n", "shop", "--clusterrole=does-not-exist", `--serviceaccount=vigil:executor`);
  assert.match(
    await executor.fails("get", "pods", "-n", "shop"),
    /pods is forbidden: User "system:serviceaccount:vigil:executor" cannot list resource "pods" in API group "" in the namespace "shop": RBAC: clusterrole.rbac.authorization.k8s.io "does-not-exist" not found/,
  );
  // A binding's roleRef is immutable, as on a real cluster.
  assert.match(
    await admin.fails("patch", "rolebinding", "dangling", "-n", "shop", "--type=merge", "-p", '{"roleRef":{"name":"view"}}'),
    /cannot change roleRef/,
  );
});

test("nonResourceURLs rules: /healthz for anyone authenticated, other paths only when granted", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const { admin, executor } = await setup(t);
  assert.equal((await executor("get", "--raw", "/healthz")).trim(), "ok");
  assert.match(
    await executor.fails("get", "--raw", "/metrics"),
    /forbidden: User "system:serviceaccount:vigil:executor" cannot get path "\/metrics"|NotFound|not found/,
  );
  await admin("create", "clusterrole", "read-sim", "--verb=get", "--non-resource-url=/sim/*");
  await admin("create", "clusterrolebinding", "executor-read-sim", "--clusterrole=read-sim", `--serviceaccount=vigil:executor`);
  const time = await executor("get", "--raw", "/sim/v1/time").catch((e: { stderr: string }) => e.stderr);
  assert.doesNotMatch(time, /Forbidden/);
});

test("the bootstrap policy exists and prints like a real cluster's: kubectl get clusterrolebindings shows the ROLE column", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const { admin } = await setup(t);
  const roles = await admin("get", "clusterroles", "--no-headers", "-o", "custom-columns=NAME:.metadata.name");
  for (const name of ["cluster-admin", "admin", "edit", "view", "system:discovery", "system:basic-user", "system:public-info-viewer"]) {
    assert.match(roles, new RegExp(`^${name}$`, "m"));
  }
  const bindings = await admin("get", "clusterrolebindings");
  assert.match(bindings, /^NAME\s+ROLE\s+AGE$/m);
  assert.match(bindings, /^cluster-admin\s+ClusterRole\/cluster-admin\s+\d+s$/m);
  assert.match(
    await admin("get", "clusterrolebinding", "cluster-admin", "-o", "wide"),
    /USERS\s+GROUPS\s+SERVICEACCOUNTS[\s\S]*system:masters/,
  );
  // The aggregated roles carry their sources' rules (view's reads are inside edit and admin).
  assert.match(await admin("get", "clusterrole", "edit", "-o", "jsonpath={.rules[*].resources}"), /pods\/log/);
  assert.match(await admin("describe", "clusterrole", "view"), /deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]/);
});
