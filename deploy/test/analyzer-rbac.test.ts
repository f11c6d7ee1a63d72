// The analyzer's ClusterRole, for real: applied to the simulator (which enforces RBAC on every request as
// kube-apiserver does), the analyzer's ServiceAccount syncs every cache it keeps, and nothing more: it cannot
// change the cluster or read Secrets. A missing rule shows up here, not as a 403 loop in someone's cluster.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ANALYZER_CACHED_KINDS } from "@vigil/analyzer";
import { type ClusterCache, UsageCache, evictPod, type KubeLogger } from "@vigil/kube";
import { type RbacHarness, rbacHarness, assertForbidden } from "./rbac-harness.js";

const quiet: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };

let h: RbacHarness;
let cache: ClusterCache;

before(async () => {
  h = await rbacHarness("deploy/kubernetes/analyzer.yaml", ANALYZER_CACHED_KINDS);
  ({ cache } = h);
});
after(() => h?.stop());

test("analyzer RBAC: the ServiceAccount lists and watches every cached kind", async () => {
  const synced = await cache.waitForSync(15_000);
  assert.ok(synced, String(cache.cachesSynced()));
  for (const s of cache.status()) assert.equal(s.errors, 0, `${s.kind}: ${s.lastError ?? ""}`);
  assert.deepEqual(
    cache.status().map((s) => s.kind),
    [...ANALYZER_CACHED_KINDS],
  );
  assert.ok(cache.store("Pod").list({ namespace: "shop" }).length > 0, "the scenario's pods are visible");
});

test("analyzer RBAC: the usage cache polls metrics.k8s.io and the kubelets' volume stats without a refusal", async () => {
  const usage = new UsageCache({ client: cache.client, nodes: () => cache.store("Node").list(), log: quiet });
  try {
    await usage.start();
    for (const s of usage.status()) {
      assert.equal(s.state, "available", `${s.source}: ${s.reason ?? ""}`);
      assert.ok(s.polls > 0, s.source);
    }
    const node = cache.store("Node").list()[0]!.metadata!.name!;
    assert.equal(usage.node(node).available, true);
  } finally {
    await usage.stop();
  }
});

test("analyzer RBAC: read-only — patches, deletes, evictions and Secrets are refused", async () => {
  const refused = assertForbidden;
  const pod = cache.store("Pod").list({ namespace: "shop" })[0]!;
  await refused("patch a deployment", () =>
    cache.client.patch({ kind: "Deployment", namespace: "shop", name: "payments-api" }, "merge", { spec: { replicas: 5 } }),
  );
  await refused("delete a pod", () => cache.client.delete({ kind: "Pod", namespace: "shop", name: pod.metadata!.name! }));
  await refused("evict a pod", () => evictPod(cache.client, { namespace: "shop", name: pod.metadata!.name! }));
  await refused("list secrets", () => cache.client.requestJson("/api/v1/namespaces/shop/secrets"));
});
