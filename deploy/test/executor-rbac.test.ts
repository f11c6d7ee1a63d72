// The executor's deployment, checked against what it must grant: its ClusterRole is exactly the rules the catalog lists
// for the actions the shipped policy enables plus the reads the policy's own checks make, recomputed here, so enabling
// an action in deploy/executor/policy.yaml (or giving an action a new API call) without updating the Role fails this
// test. Applied to the simulator (which enforces RBAC as kube-apiserver does), the ServiceAccount may do each of
// those calls and nothing else: no Secrets, no RBAC objects, no `update`, no exec.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { isMap, isSeq, parseAllDocuments } from "yaml";
import { actionNames, type PolicyRule, rbacRulesFor, rule } from "@vigil/contracts";
import { KubeApiError, KubeClient, kubeConfigFromFile } from "@vigil/kube";
import { type KubeObject, KubeSim } from "@vigil/kube-sim";
import { actionEnabled, loadPolicy } from "@vigil/remediation";
import { manifestDocs, type Obj, assertServiceWiring, assertHardenedPod } from "./rbac-harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MANIFEST = "deploy/kubernetes/executor.yaml";
const POLICY = "deploy/executor/policy.yaml";

/**
 * What the policy's checks read besides the actions' own calls (libs/remediation/src/policy/checks and preflight/):
 * keep in step with them. Each is a list or get through the same KubeReader as the actions.
 */
// The policy's whole-namespace and cluster-wide reads come from the executor's informer cache (list + watch,
// services/executor/src/state/preflight-cache.ts), not a list per proposal.
const POLICY_READS: PolicyRule[] = [
  // blast-radius (nodes already unschedulable); preflight.capacity and preflight.fits-node (free allocatable).
  rule("", "nodes", ["list", "watch"]),
  // preflight.capacity and preflight.fits-node: the requests of the pods bound to each node, cluster-wide.
  rule("", "pods", ["list", "watch"]),
  rule("", "limitranges", ["list", "watch"]), // preflight.limit-range
  rule("", "resourcequotas", ["list", "watch"]), // preflight.quota
  rule("policy", "poddisruptionbudgets", ["list", "watch"]), // preflight.pdb
  rule("autoscaling", "horizontalpodautoscalers", ["list", "watch"]), // preflight.hpa
  // preflight.fits-node: the changed workload's selector (which pods on a node it replaces).
  rule("apps", ["deployments", "statefulsets", "daemonsets"], ["get"]),
];

/** Every (group, resource, verb) a rule list grants, as sorted `group/resource:verb` strings. */
const grants = (rules: readonly PolicyRule[]): string[] =>
  [
    ...new Set(rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))))),
  ].sort();

const docs = manifestDocs(MANIFEST);
const ofKind = (kind: string): Obj => {
  const d = docs.find((x) => x.kind === kind);
  assert.ok(d, `${MANIFEST} has no ${kind}`);
  return d;
};
const policy = loadPolicy({ file: join(root, POLICY) });
const enabled = actionNames.filter((a) => actionEnabled(policy, a));
const expected = grants([...rbacRulesFor(enabled), ...POLICY_READS]);
const SA = `system:serviceaccount:vigil:vigil-executor`;

let sim: KubeSim;
let client: KubeClient;
let dir: string;

before(async () => {
  sim = await KubeSim.start({ clock: "virtual", scenario: "oom-crashloop", unauthenticated: "anonymous" });
  sim.load(<KubeObject[]>[
    ...manifestDocs("deploy/kubernetes/webhook.yaml").filter((d) => d.kind === "Namespace"),
    ...docs.filter((d) => ["ServiceAccount", "ClusterRole", "ClusterRoleBinding"].includes(d.kind)),
  ]);
  dir = await mkdtemp(join(tmpdir(), "vigil-executor-rbac-"));
  await sim.writeKubeconfig(join(dir, "kubeconfig"), { user: SA });
  client = new KubeClient(kubeConfigFromFile(join(dir, "kubeconfig")));
});
after(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("executor manifest: every document parses; the ServiceAccount, binding, Service and PDB fit together", () => {
  assertServiceWiring(MANIFEST, { serviceAccount: "vigil-executor", port: 8083 });
  assert.equal(ofKind("Deployment").spec.replicas, 2);
});

test("executor manifest: the ConfigMap holds the shipped policy, mounted where EXECUTOR_POLICY_FILE points", () => {
  const cm = ofKind("ConfigMap");
  assert.equal(
    cm.data["policy.yaml"],
    readFileSync(join(root, POLICY), "utf8"),
    `${MANIFEST}'s ConfigMap differs from ${POLICY}: copy it over`,
  );
  const pod = ofKind("Deployment").spec.template.spec as Obj;
  const c = pod.containers[0] as Obj;
  const file = (c.env as Obj[]).find((e) => e.name === "EXECUTOR_POLICY_FILE")?.value as string;
  const mount = (c.volumeMounts as Obj[]).find((m) => file.startsWith(`${m.mountPath}/`));
  assert.ok(mount, `no volume is mounted where ${file} is`);
  assert.equal(mount.readOnly, true);
  const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name);
  assert.equal(volume?.configMap?.name, cm.metadata.name);
  assert.equal(file.slice(mount.mountPath.length + 1), "policy.yaml");
});

test("executor manifest: the ClusterRole grants exactly the enabled actions' rules plus the policy's reads", () => {
  const actual = grants(ofKind("ClusterRole").rules as PolicyRule[]);
  const missing = expected.filter((g) => !actual.includes(g));
  const extra = actual.filter((g) => !expected.includes(g));
  assert.deepEqual(
    { missing, extra },
    { missing: [], extra: [] },
    `${MANIFEST}'s ClusterRole is not least privilege for ${POLICY}: add what is missing, remove what is extra`,
  );
  // The shipped policy enables the whole catalog: the Role is the catalog's rules, not fewer.
  assert.deepEqual(enabled, actionNames);
  for (const r of ofKind("ClusterRole").rules as Obj[]) {
    assert.ok(!r.resources.includes("*") && !r.verbs.includes("*") && !r.apiGroups.includes("*"), "no wildcard");
    assert.ok(!r.resources.includes("secrets"), "no Secrets");
    assert.ok(!r.verbs.includes("update"), `${r.resources}: patches only`);
    const cached = ["nodes", "pods", "limitranges", "resourcequotas", "poddisruptionbudgets", "horizontalpodautoscalers"];
    if (r.verbs.includes("watch"))
      assert.ok(
        r.resources.every((x: string) => cached.includes(x)),
        `${r.resources}: watch only for the preflight cache`,
      );
    assert.equal(r.resourceNames, undefined);
  }
});

test("executor manifest: every ClusterRole rule carries a comment saying who needs it", () => {
  const doc = parseAllDocuments(readFileSync(join(root, MANIFEST), "utf8")).find((d) => d.toJS()?.kind === "ClusterRole")!;
  const rules = doc.get("rules");
  assert.ok(isSeq(rules));
  for (const [i, item] of rules.items.entries()) {
    assert.ok(isMap(item));
    // A comment before the first rule lands on the sequence (yaml's model); every other one on its item.
    const comment = item.commentBefore ?? (i === 0 ? rules.commentBefore : undefined);
    const what = JSON.stringify(item.toJSON());
    assert.ok(comment && comment.trim().length > 10, `rule ${i} (${what}) has no comment naming the actions or checks that need it`);
  }
});

test("executor manifest: the pod runs non-root, read-only, without capabilities, with probes and secrets from a Secret", () => {
  const env = assertHardenedPod(MANIFEST, 8083);
  assert.equal(env.get("EXECUTOR_MODE")?.value, "dry-run", "ships in dry run: going live is a decision");
  for (const name of ["DATABASE_URL", "EXECUTOR_API_TOKEN"]) {
    assert.equal(env.get(name)?.value, undefined, `${name} must not be inline`);
    assert.equal(env.get(name)?.valueFrom?.secretKeyRef?.name, "vigil-executor", `${name} comes from the Secret`);
  }
});

/** The simulator's SelfSubjectAccessReview answer for the executor's ServiceAccount. */
async function canI(verb: string, group: string, resource: string, namespace?: string): Promise<boolean> {
  const [res, sub] = resource.split("/");
  const body = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { verb, group, resource: res, ...(sub ? { subresource: sub } : {}), ...(namespace ? { namespace } : {}) } },
  };
  const out = (await client.requestJson("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { method: "POST", body })) as Obj;
  return out.status?.allowed === true;
}

test("executor RBAC on the simulator: the ServiceAccount may make every call the Role lists, cluster-wide and in a namespace", async () => {
  const refused: string[] = [];
  for (const g of expected) {
    const [, group = "", resource = "", verb = ""] = /^([^/]*)\/(.+):(\w+)$/.exec(g) ?? [];
    for (const ns of [undefined, "shop"]) if (!(await canI(verb, group, resource, ns))) refused.push(`${g}${ns ? ` in ${ns}` : ""}`);
  }
  assert.deepEqual(refused, []);
});

test("executor RBAC on the simulator: Secrets, RBAC, exec, update and deleting workloads are refused", async () => {
  const forbidden: Array<[string, string, string]> = [
    ["get", "", "secrets"],
    ["list", "", "secrets"],
    ["get", "", "configmaps"],
    ["update", "", "pods"],
    ["update", "apps", "deployments"],
    ["delete", "apps", "deployments"],
    ["delete", "", "nodes"],
    ["delete", "", "namespaces"],
    ["create", "", "pods"],
    ["create", "", "pods/exec"],
    ["create", "", "serviceaccounts/token"],
    ["create", "rbac.authorization.k8s.io", "clusterrolebindings"],
    ["escalate", "rbac.authorization.k8s.io", "clusterroles"],
    ["impersonate", "", "users"],
    ["watch", "", "events"],
  ];
  const allowed: string[] = [];
  for (const [verb, group, resource] of forbidden)
    if (await canI(verb, group, resource, "shop")) allowed.push(`${verb} ${group}/${resource}`);
  assert.deepEqual(allowed, []);
});

test("executor RBAC on the simulator: real calls as the ServiceAccount — a dry-run patch passes, reading a Secret is a 403", async () => {
  const patched = await client.patch(
    { kind: "Deployment", namespace: "shop", name: "payments-api" },
    "merge",
    { spec: { replicas: 3 } },
    {
      dryRun: true,
    },
  );
  assert.equal(patched.spec?.replicas, 3);
  assert.notEqual(sim.get("Deployment", "payments-api", "shop")?.spec?.replicas, 3, "the dry run changed nothing");
  await assert.rejects(client.requestJson("/api/v1/namespaces/shop/secrets"), (err: unknown) => {
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.status, 403);
    assert.match(err.message, /cannot list resource "secrets"/);
    return true;
  });
});

test("executor RBAC with kubectl: `kubectl auth can-i` as the ServiceAccount", async (t) => {
  const kubectl = promisify(execFile);
  try {
    await kubectl("kubectl", ["version", "--client"], { timeout: 10_000 });
  } catch {
    return t.skip("kubectl is not installed");
  }
  const kubeconfig = join(dir, "kubectl-config");
  await writeFile(kubeconfig, sim.kubeconfig({ user: SA }));
  const canI = async (...args: string[]) =>
    (
      await kubectl("kubectl", ["--kubeconfig", kubeconfig, "auth", "can-i", ...args], { timeout: 20_000 }).catch(
        (e: { stdout: string }) => e,
      )
    ).stdout.trim();
  assert.equal(await canI("create", "pods", "--subresource=eviction", "-n", "shop"), "yes");
  assert.equal(await canI("patch", "deployments.apps", "--subresource=scale", "-n", "shop"), "yes");
  assert.equal(await canI("patch", "nodes"), "yes");
  assert.equal(await canI("get", "secrets", "-n", "shop"), "no");
  assert.equal(await canI("delete", "deployments.apps", "-n", "shop"), "no");
});
