// The effectiveness service's deployment, checked against what it reads: its ClusterRole is exactly get/list/watch of
// the kinds it caches, plus metrics.k8s.io and the kubelets' volume stats, recomputed here from the kind table. Applied
// to the simulator (which enforces RBAC as kube-apiserver does), the ServiceAccount syncs every cache and polls usage,
// and cannot change anything or read Secrets: judging an action never needs the power to take one.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ClusterCache, DEFAULT_CACHED_KINDS } from "@vigil/kube";
import {
  manifestDocs,
  type Obj,
  type RbacHarness,
  rbacHarness,
  assertForbidden,
  assertServiceWiring,
  assertCachesSync,
  assertReadOnly,
  assertUsagePolled,
  assertHardenedPod,
  grants,
  readOnlyGrants,
} from "./rbac-harness.js";

const MANIFEST = "deploy/kubernetes/effectiveness.yaml";
// The kinds the service caches: DEFAULT_CACHED_KINDS ("what the analyzer, executor and effectiveness read").
const CACHED_KINDS = DEFAULT_CACHED_KINDS;

const docs = manifestDocs(MANIFEST);
const ofKind = (kind: string, from: Obj[] = docs): Obj => {
  const d = from.find((x) => x.kind === kind);
  assert.ok(d, `no ${kind}`);
  return d;
};

// What the code uses: the cached kinds and the usage reads (effectiveness reads no logs: judging needs none).
const expected = readOnlyGrants(CACHED_KINDS);

let h: RbacHarness;
let cache: ClusterCache;

before(async () => {
  h = await rbacHarness(MANIFEST, CACHED_KINDS);
  ({ cache } = h);
});
after(() => h?.stop());

test("effectiveness manifest: every document parses; the ServiceAccount, binding, Service and PDB fit together", () => {
  assertServiceWiring(MANIFEST, { serviceAccount: "vigil-effectiveness", port: 8084 });
});

test("effectiveness manifest: the executor's policy ConfigMap is mounted where EXECUTOR_POLICY_FILE points", () => {
  const executorPolicy = ofKind("ConfigMap", manifestDocs("deploy/kubernetes/executor.yaml"));
  const pod = ofKind("Deployment").spec.template.spec as Obj;
  const c = pod.containers[0] as Obj;
  const file = (c.env as Obj[]).find((e) => e.name === "EXECUTOR_POLICY_FILE")?.value as string;
  assert.ok(file, "EXECUTOR_POLICY_FILE is set: the ledger's namespace classes are the policy's");
  const mount = (c.volumeMounts as Obj[]).find((m) => file.startsWith(`${m.mountPath}/`));
  assert.ok(mount, `no volume is mounted where ${file} is`);
  assert.equal(mount.readOnly, true);
  const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name);
  assert.equal(volume?.configMap?.name, executorPolicy.metadata.name);
  assert.ok(Object.hasOwn(executorPolicy.data as Obj, file.slice(mount.mountPath.length + 1)), "the file is a key of the ConfigMap");
});

test("effectiveness manifest: the pod runs non-root, read-only, without capabilities, with probes and the database URL from a Secret", () => {
  const env = assertHardenedPod(MANIFEST, 8084);
  assert.match(env.get("NATS_URL")?.value ?? "", /^nats:\/\//);
  assert.equal(env.get("DATABASE_URL")?.value, undefined, "DATABASE_URL must not be inline");
  assert.equal(env.get("DATABASE_URL")?.valueFrom?.secretKeyRef?.name, "vigil-effectiveness");
});

test("effectiveness manifest: the ClusterRole grants exactly reads of the cached kinds, metrics.k8s.io and nodes/proxy", () => {
  const rules = ofKind("ClusterRole").rules as Obj[];
  const actual = grants(rules);
  const missing = expected.filter((g) => !actual.includes(g));
  const extra = actual.filter((g) => !expected.includes(g));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${MANIFEST}'s ClusterRole is not exactly what the service reads`);
  for (const r of rules) {
    for (const verb of r.verbs as string[]) assert.ok(["get", "list", "watch"].includes(verb), `${r.resources}: ${verb}`);
    assert.ok(!r.resources.includes("secrets") && !r.resources.includes("*") && !r.apiGroups.includes("*"), "no Secrets, no wildcard");
    assert.equal(r.resourceNames, undefined);
  }
});

test("effectiveness RBAC on the simulator: the ServiceAccount lists and watches every cached kind", () =>
  assertCachesSync(cache, CACHED_KINDS));

test("effectiveness RBAC on the simulator: metrics.k8s.io and the kubelets' volume stats are polled without a refusal", async () => {
  await assertUsagePolled(cache);
});

test("effectiveness RBAC on the simulator: read-only — patches, deletes, evictions and Secrets are refused", async () => {
  await assertReadOnly(cache);
  const pod = cache.store("Pod").list({ namespace: "shop" })[0]!;
  await assertForbidden("read pod logs", () => cache.client.requestJson(`/api/v1/namespaces/shop/pods/${pod.metadata!.name!}/log`));
});
