// The investigator's ClusterRole, for real: applied to the simulator (which enforces RBAC on every request as
// kube-apiserver does), the investigator's ServiceAccount syncs every cache its tools read and reads container
// logs, and nothing more: it cannot change the cluster or read Secrets. The model never acts, and neither can
// the identity it investigates with.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ANALYSIS_CACHED_KINDS } from "@vigil/analysis";
import { type ClusterCache, UsageCache, evictPod, readContainerLogs, type KubeLogger } from "@vigil/kube";
import { type Obj, type RbacHarness, rbacHarness, assertForbidden } from "./rbac-harness.js";

const quiet: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };

let h: RbacHarness;
let cache: ClusterCache;
let manifests: Obj[];

before(async () => {
  h = await rbacHarness("deploy/kubernetes/investigator.yaml", ANALYSIS_CACHED_KINDS);
  ({ cache, manifests } = h);
});
after(() => h?.stop());

test("investigator RBAC: the ClusterRole grants read verbs only (get, list, watch)", () => {
  const role = manifests.find((d) => d.kind === "ClusterRole")!;
  for (const rule of role.rules as Obj[]) {
    for (const verb of rule.verbs as string[]) assert.ok(["get", "list", "watch"].includes(verb), `${rule.resources}: ${verb}`);
  }
  const resources = (role.rules as Obj[]).flatMap((r) => r.resources as string[]);
  assert.ok(resources.includes("pods/log"), "container_logs needs pods/log");
  assert.ok(!resources.includes("secrets") && !resources.includes("*"), "no Secrets, no wildcard");
});

test("investigator RBAC: the ServiceAccount lists and watches every cached kind", async () => {
  const synced = await cache.waitForSync(15_000);
  assert.ok(synced, String(cache.cachesSynced()));
  for (const s of cache.status()) assert.equal(s.errors, 0, `${s.kind}: ${s.lastError ?? ""}`);
  assert.deepEqual(
    cache.status().map((s) => s.kind),
    [...ANALYSIS_CACHED_KINDS],
  );
  assert.ok(cache.store("Pod").list({ namespace: "shop" }).length > 0, "the scenario's pods are visible");
});

test("investigator RBAC: container logs, metrics.k8s.io and the kubelets' volume stats are readable", async () => {
  const pod = cache.store("Pod").list({ namespace: "shop" })[0]!;
  const logs = await readContainerLogs(
    cache.client,
    { namespace: "shop", name: pod.metadata!.name! },
    {
      container: pod.spec!.containers[0]!.name,
      tailLines: 10,
    },
  );
  // A refusal would reject with a 403; an answer (or a typed "not started yet") means the read was allowed.
  assert.ok(logs.ok || logs.status !== 403, JSON.stringify(logs));
  const usage = new UsageCache({ client: cache.client, nodes: () => cache.store("Node").list(), log: quiet });
  try {
    await usage.start();
    for (const s of usage.status()) assert.equal(s.state, "available", `${s.source}: ${s.reason ?? ""}`);
  } finally {
    await usage.stop();
  }
});

test("investigator RBAC: read-only — patches, deletes, evictions and Secrets are refused", async () => {
  const refused = assertForbidden;
  const pod = cache.store("Pod").list({ namespace: "shop" })[0]!;
  await refused("patch a deployment", () =>
    cache.client.patch({ kind: "Deployment", namespace: "shop", name: "payments-api" }, "merge", { spec: { replicas: 5 } }),
  );
  await refused("delete a pod", () => cache.client.delete({ kind: "Pod", namespace: "shop", name: pod.metadata!.name! }));
  await refused("evict a pod", () => evictPod(cache.client, { namespace: "shop", name: pod.metadata!.name! }));
  await refused("cordon a node", () =>
    cache.client.patch({ kind: "Node", name: cache.store("Node").list()[0]!.metadata!.name! }, "merge", { spec: { unschedulable: true } }),
  );
  await refused("list secrets", () => cache.client.requestJson("/api/v1/namespaces/shop/secrets"));
});
