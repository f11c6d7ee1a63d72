// The analyzer's ClusterRole, for real: applied to the simulator (which enforces RBAC on every request as
// kube-apiserver does), the analyzer's ServiceAccount syncs every cache it keeps, and nothing more: it cannot
// change the cluster or read Secrets. A missing rule shows up here, not as a 403 loop in someone's cluster.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ANALYZER_CACHED_KINDS } from "@vigil/analyzer";
import type { ClusterCache } from "@vigil/kube";
import {
  type RbacHarness,
  rbacHarness,
  assertCachesSync,
  assertExactGrants,
  assertReadOnly,
  assertUsagePolled,
  readOnlyGrants,
} from "./rbac-harness.js";

let h: RbacHarness;
let cache: ClusterCache;

before(async () => {
  h = await rbacHarness("deploy/kubernetes/analyzer.yaml", ANALYZER_CACHED_KINDS);
  ({ cache } = h);
});
after(() => h?.stop());

test("analyzer RBAC: the ClusterRole is exactly what the code uses — the cached kinds and the usage reads, nothing more", () =>
  assertExactGrants("deploy/kubernetes/analyzer.yaml", readOnlyGrants(ANALYZER_CACHED_KINDS)));

test("analyzer RBAC: the ServiceAccount lists and watches every cached kind", () => assertCachesSync(cache, ANALYZER_CACHED_KINDS));

test("analyzer RBAC: the usage cache polls metrics.k8s.io and the kubelets' volume stats without a refusal", async () => {
  const usage = await assertUsagePolled(cache);
  const node = cache.store("Node").list()[0]!.metadata!.name!;
  assert.equal(usage.node(node).available, true, "answers stay after the poller stopped");
});

test("analyzer RBAC: read-only — patches, deletes, evictions and Secrets are refused", () => assertReadOnly(cache));
