// The investigator's ClusterRole, for real: applied to the simulator (which enforces RBAC on every request as
// kube-apiserver does), the investigator's ServiceAccount syncs every cache its tools read and reads container
// logs, and nothing more: it cannot change the cluster or read Secrets. The model never acts, and neither can
// the identity it investigates with.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ANALYSIS_CACHED_KINDS } from "@vigil/analysis";
import { type ClusterCache, readContainerLogs } from "@vigil/kube";
import {
  type Obj,
  type RbacHarness,
  rbacHarness,
  assertExactGrants,
  assertForbidden,
  assertReadOnly,
  assertCachesSync,
  assertUsagePolled,
  readOnlyGrants,
} from "./rbac-harness.js";

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

test("investigator RBAC: the ClusterRole is exactly what the code uses — the cached kinds, container logs and the usage reads", () =>
  // container_logs (@vigil/kube readContainerLogs) is the one read outside the caches.
  assertExactGrants("deploy/kubernetes/investigator.yaml", readOnlyGrants(ANALYSIS_CACHED_KINDS, ["/pods/log:get"])));

test("investigator RBAC: the ServiceAccount lists and watches every cached kind", () => assertCachesSync(cache, ANALYSIS_CACHED_KINDS));

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
  await assertUsagePolled(cache);
});

test("investigator RBAC: read-only — patches, deletes, evictions, cordons and Secrets are refused", async () => {
  await assertReadOnly(cache);
  await assertForbidden("cordon a node", () =>
    cache.client.patch({ kind: "Node", name: cache.store("Node").list()[0]!.metadata!.name! }, "merge", { spec: { unschedulable: true } }),
  );
});
