// Authentication: bearer tokens for users and ServiceAccounts (kubeconfigs, TokenRequest), 401 for unknown tokens,
// system:anonymous without one, impersonation, and `kubectl auth whoami`, all against real clients.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { spawnTracked } from "@vigil/testing";
import { AuthenticationV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { parse as parseYaml } from "yaml";
import type { KubeSim } from "../src/index.js";
import { kubectlFor, kubectlMissing } from "./kubectl-helpers.js";
import { apiError, startSim } from "./sim-helpers.js";

const run = promisify(execFile);

const tokenOf = (kubeconfig: string): string =>
  (parseYaml(kubeconfig) as { users: Array<{ user: { token: string } }> }).users[0]!.user.token;

const clientAs = (sim: KubeSim, user?: string) => {
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig(user ? { user } : {}));
  return { core: kc.makeApiClient(CoreV1Api), authn: kc.makeApiClient(AuthenticationV1Api) };
};

const whoami = async (sim: KubeSim, user?: string): Promise<{ username?: string; groups?: string[] }> =>
  (await clientAs(sim, user).authn.createSelfSubjectReview({ body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } }))
    .status?.userInfo ?? {};

test("kubectl auth whoami names each kubeconfig's identity: the admin, a ServiceAccount, a user", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await startSim();
  t.after(() => sim.stop());
  const admin = await kubectlFor(sim);
  const executor = await kubectlFor(sim, { kubeconfigText: sim.kubeconfig({ user: "system:serviceaccount:vigil:executor" }) });
  const alice = await kubectlFor(sim, { kubeconfigText: sim.kubeconfig({ user: "alice", groups: ["sre"] }) });
  t.after(() => Promise.all([admin.close(), executor.close(), alice.close()]));

  assert.match(await admin("auth", "whoami"), /Username\s+kubernetes-admin\nGroups\s+\[system:masters system:authenticated\]/);
  assert.match(
    await executor("auth", "whoami"),
    /Username\s+system:serviceaccount:vigil:executor\nGroups\s+\[system:serviceaccounts system:serviceaccounts:vigil system:authenticated\]/,
  );
  assert.match(await alice("auth", "whoami"), /Username\s+alice\nGroups\s+\[sre system:authenticated\]/);
  // The same identity gets the same token each time; another identity another one.
  assert.equal(tokenOf(sim.kubeconfig({ user: "alice", groups: ["sre"] })), tokenOf(sim.kubeconfig({ user: "alice", groups: ["sre"] })));
  assert.notEqual(tokenOf(sim.kubeconfig({ user: "alice" })), tokenOf(sim.kubeconfig({ user: "bob" })));
});

test("an unknown token is 401 Unauthorized; without a token a real cluster's rules apply to system:anonymous", async (t) => {
  const sim = await startSim({ unauthenticated: "anonymous" });
  t.after(() => sim.stop());
  const bad = await fetch(`${sim.url}/api/v1/namespaces`, { headers: { Authorization: "Bearer not-a-token" } });
  assert.equal(bad.status, 401);
  assert.deepEqual(await bad.json(), {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "Unauthorized",
    reason: "Unauthorized",
    code: 401,
  });
  // system:public-info-viewer lets anyone read the version and health; discovery and resources need a login.
  assert.equal((await fetch(`${sim.url}/version`)).status, 200);
  assert.equal((await fetch(`${sim.url}/healthz`)).status, 200);
  const apis = await fetch(`${sim.url}/apis`);
  assert.equal(apis.status, 403);
  assert.equal(((await apis.json()) as { message: string }).message, 'forbidden: User "system:anonymous" cannot get path "/apis"');
  const pods = await fetch(`${sim.url}/api/v1/namespaces/default/pods`);
  assert.equal(pods.status, 403);
  assert.deepEqual(await pods.json(), {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"',
    reason: "Forbidden",
    details: { kind: "pods" },
    code: 403,
  });
  // The default kubeconfig is the admin's over TLS in this mode, so kubectl and client-node still send its token.
  assert.match(sim.kubeconfig(), /server: https:/);
  assert.equal((await whoami(sim)).username, "kubernetes-admin");
  assert.ok((await clientAs(sim).core.listNamespace()).items.length >= 4);
});

test("without the option a token-less client stays the admin, so clients written before authentication keep working", async (t) => {
  const sim = await startSim();
  t.after(() => sim.stop());
  assert.equal((await fetch(`${sim.url}/api/v1/namespaces`)).status, 200);
  assert.match(sim.kubeconfig(), new RegExp(`server: ${sim.url}`));
  assert.equal((await fetch(`${sim.url}/api`, { headers: { Authorization: "Bearer nonsense" } })).status, 401);
});

test("kubectl create token: a bound ServiceAccount token authenticates as it until it expires or the ServiceAccount goes", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await startSim();
  t.after(() => sim.stop());
  const admin = await kubectlFor(sim);
  t.after(() => admin.close());
  await admin("create", "namespace", "vigil");
  await admin("create", "serviceaccount", "executor", "-n", "vigil");
  const token = (await admin("create", "token", "executor", "-n", "vigil", "--duration", "10m")).trim();
  assert.equal(token.split(".").length, 3, "a JWT");
  const ask = (tok: string) =>
    fetch(`${sim.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tok}`, "Content-Type": "application/json" },
      body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
    });
  const review = (await (await ask(token)).json()) as { status: { userInfo: { username: string; groups: string[] } } };
  assert.equal(review.status.userInfo.username, "system:serviceaccount:vigil:executor");
  assert.deepEqual(review.status.userInfo.groups, ["system:serviceaccounts", "system:serviceaccounts:vigil", "system:authenticated"]);
  assert.match(
    await admin.fails("create", "token", "executor", "-n", "vigil", "--duration", "5m"),
    /may not specify a duration less than 10 minutes/,
  );

  await sim.advance("11m");
  assert.equal((await ask(token)).status, 401, "expired on the simulator's clock");
  const fresh = (await admin("create", "token", "executor", "-n", "vigil")).trim();
  assert.equal((await ask(fresh)).status, 201);
  await admin("delete", "serviceaccount", "executor", "-n", "vigil");
  await admin("create", "serviceaccount", "executor", "-n", "vigil");
  assert.equal((await ask(fresh)).status, 401, "bound to the deleted ServiceAccount's uid");
});

test("impersonation: cluster-admin acts --as anyone; others need the impersonate verb, in the API server's words", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await startSim();
  t.after(() => sim.stop());
  const admin = await kubectlFor(sim);
  const alice = await kubectlFor(sim, { kubeconfigText: sim.kubeconfig({ user: "alice" }) });
  t.after(() => Promise.all([admin.close(), alice.close()]));
  assert.match(
    await admin("auth", "whoami", "--as", "system:serviceaccount:vigil:executor"),
    /Username\s+system:serviceaccount:vigil:executor\nGroups\s+\[system:serviceaccounts system:serviceaccounts:vigil system:authenticated\]/,
  );
  assert.match(await admin("auth", "whoami", "--as", "bob", "--as-group", "sre"), /Username\s+bob\nGroups\s+\[sre system:authenticated\]/);
  assert.match(
    // --raw skips discovery, which kubectl reports only as "unknown" when it is refused.
    await alice.fails("get", "--raw", "/api/v1/namespaces/default/pods", "--as", "bob"),
    /Error from server \(Forbidden\): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope/,
  );
  // Granting impersonation of bob (by name) lets alice act as bob, and only as bob.
  await admin("create", "clusterrole", "impersonate-bob", "--verb=impersonate", "--resource=users", "--resource-name=bob");
  await admin("create", "clusterrolebinding", "alice-as-bob", "--clusterrole=impersonate-bob", "--user=alice");
  assert.match(await alice("auth", "whoami", "--as", "bob"), /Username\s+bob/);
  assert.match(await alice.fails("get", "--raw", "/api", "--as", "carol"), /users "carol" is forbidden/);
});

test("client-node sends a kubeconfig's token too, and a 403 reaches it as a Forbidden Status", async (t) => {
  const sim = await startSim();
  t.after(() => sim.stop());
  assert.equal((await whoami(sim, "system:serviceaccount:vigil:executor")).username, "system:serviceaccount:vigil:executor");
  const err = await apiError(clientAs(sim, "system:serviceaccount:vigil:executor").core.listNamespace());
  assert.equal(err.code, 403);
  assert.equal(err.status.reason, "Forbidden");
  assert.equal(
    err.status.message,
    'namespaces is forbidden: User "system:serviceaccount:vigil:executor" cannot list resource "namespaces" in API group "" at the cluster scope',
  );
});

test("the CLI writes a kubeconfig per identity (--kubeconfig-for IDENTITY=PATH) that kubectl uses under RBAC", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
  const dir = await mkdtemp(join(tmpdir(), "kube-sim-auth-cli-"));
  const executorConfig = join(dir, "executor.yaml");
  const aliceConfig = join(dir, "alice.yaml");
  const server = spawnTracked(
    process.execPath,
    [
      "--conditions=@vigil/source",
      "--import",
      "tsx",
      cli,
      "--clock",
      "virtual",
      "--kubeconfig-for",
      `system:serviceaccount:vigil:executor=${executorConfig}`,
      "--kubeconfig-for",
      `alice=${aliceConfig}`,
    ],
    { cwd: root, name: "kube-sim" },
  );
  t.after(async () => {
    await server.stop("SIGTERM", 5_000);
    await rm(dir, { recursive: true, force: true });
  });
  await server.waitForLine(/kube-sim listening/, 60_000);
  const kubectl = async (kubeconfig: string, ...args: string[]) =>
    (await run("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], { env: { ...process.env, HOME: dir } }))
      .stdout;
  assert.match(await kubectl(executorConfig, "auth", "whoami"), /Username\s+system:serviceaccount:vigil:executor/);
  assert.match(await kubectl(aliceConfig, "auth", "whoami"), /Username\s+alice/);
  const denied = await kubectl(executorConfig, "get", "pods", "-n", "default").catch((e: { stderr: string }) => e.stderr);
  assert.match(
    denied,
    /pods is forbidden: User "system:serviceaccount:vigil:executor" cannot list resource "pods" in API group "" in the namespace "default"/,
  );
});
