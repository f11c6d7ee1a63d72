// REQUEST_TIMEOUT for real: views over a namespace of thousands of pods take longer than a 1 ms budget and
// answer 504 REQUEST_TIMEOUT, while the same requests with time to spare answer 200. And an async handler
// still running at the default 500 ms deadline has its AbortSignal aborted.
// vigil-test: own-process (the 1 ms deadline must fire while the view runs: in a process whose JIT other test files
// have warmed, the view over 3,000 pods can finish before the timer's first chance to run)
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DeadlineExceededError } from "@vigil/errors";
import { KubeSim } from "@vigil/kube-sim";
import { apiRoutes } from "../src/api/routes/index.js";
import { type ApiHarness, startApi } from "./api-harness.js";
import { abortWatchRoute, namespaceFindingsRoute } from "./api-test-routes.js";

const PODS = 3000;
/** Of them, owned by a Deployment (what /namespace/{ns}/error analyzes); the rest are bare pods it still has to sort out. */
const REPLICAS = 300;

const container = { name: "app", image: "shop/worker:1.0", resources: { requests: { cpu: "10m", memory: "16Mi" } } };

// Bare pods load in milliseconds; a Deployment's pods go through its controllers, which takes seconds per thousand.
const bulkNamespace = () => [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "bulk" } },
  ...Array.from({ length: 3 }, (_, i) => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: `bulk-${i}`, labels: { "kubernetes.io/hostname": `bulk-${i}` } },
    status: { capacity: { cpu: "64", memory: "256Gi", pods: "2000" } },
  })),
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "worker", namespace: "bulk", labels: { app: "worker" } },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: "worker" } },
      template: { metadata: { labels: { app: "worker" } }, spec: { containers: [container] } },
    },
  },
  ...Array.from({ length: PODS - REPLICAS }, (_, i) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `batch-${i}`, namespace: "bulk", labels: { app: "batch" } },
    spec: { nodeName: `bulk-${i % 3}`, containers: [container] },
  })),
];

describe("analyzer REST API: REQUEST_TIMEOUT", () => {
  let sim: KubeSim;
  /** A budget no view over the namespace can miss, even on a loaded test machine. */
  let generous: ApiHarness;
  let tight: ApiHarness;
  /** The default REQUEST_TIMEOUT; caches only nodes (it serves the abort test, which reads nothing). */
  let standard: ApiHarness;
  const seen: { aborted: boolean; reason?: unknown } = { aborted: false };
  const namespaceErrors = apiRoutes.find((r) => r.path === "/api/v1/namespace/:namespace/error");

  before(async () => {
    assert.ok(namespaceErrors, "the table serves /api/v1/namespace/:namespace/error");
    sim = await KubeSim.start({ clock: "virtual" });
    sim.load(bulkNamespace());
    assert.equal(sim.list("Pod", "bulk").length, PODS, "the Deployment's pods and the bare ones exist");
    const routes = [namespaceErrors, namespaceFindingsRoute, abortWatchRoute(seen)];
    [generous, tight, standard] = await Promise.all([
      startApi({ sim, routes, env: { REQUEST_TIMEOUT: "60s" } }),
      startApi({ sim, routes, env: { REQUEST_TIMEOUT: "1ms" } }),
      startApi({ sim, routes, kinds: ["Node"] }),
    ]);
    await Promise.all([generous.caughtUp(30_000), tight.caughtUp(30_000)]);
  });
  after(async () => {
    await Promise.all([generous?.stop(), tight?.stop(), standard?.stop()]);
    await sim?.stop();
  });

  test(`the real /namespace/{ns}/error over ${PODS} pods: 200 with time to spare, 504 past a 1ms budget`, async () => {
    const ok = await generous.get<{ data: { namespace: string; totalPodsAnalyzed: number } }>("/api/v1/namespace/bulk/error");
    assert.equal(ok.status, 200);
    assert.equal(ok.body.data.totalPodsAnalyzed, REPLICAS);
    const late = await tight.get("/api/v1/namespace/bulk/error", { headers: { "X-Request-ID": "slow-1" } });
    assert.equal(late.status, 504);
    assert.equal(late.body.error!.code, "REQUEST_TIMEOUT");
    assert.equal(late.body.error!.message, "request exceeded 1ms timeout");
    assert.match(String(late.body.error!.details), /^GET \/api\/v1\/namespace\/:namespace\/error did not finish within REQUEST_TIMEOUT/);
    assert.equal(late.body.metadata!.requestId, "slow-1");
    const metrics = await tight.registry.metrics();
    assert.match(metrics, /vigil_analyzer_api_timeouts_total\{route="\/api\/v1\/namespace\/:namespace\/error"\} 1/);
    assert.match(
      metrics,
      /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/namespace\/:namespace\/error"[^}]*status_code="504"/,
    );
  });

  test("a synchronous view (no yielding) is judged when it returns: 504 once it overran", async () => {
    const ok = await generous.get<{ data: { pods: number } }>("/api/v1/test/namespace/bulk/findings");
    assert.equal(ok.status, 200);
    assert.equal(ok.body.data.pods, PODS);
    const late = await tight.get("/api/v1/test/namespace/bulk/findings");
    assert.equal(late.status, 504);
    assert.equal(late.body.error!.message, "request exceeded 1ms timeout");
  });

  test("an async handler still running at the default 500ms deadline is aborted, with the timeout as the reason", async () => {
    assert.equal(standard.config.REQUEST_TIMEOUT, 500);
    const started = performance.now();
    const res = await standard.get("/api/v1/test/until-aborted");
    const took = performance.now() - started;
    assert.equal(res.status, 504);
    assert.equal(res.body.error!.message, "request exceeded 500ms timeout");
    assert.ok(took >= 490, `answered after ${Math.round(took)}ms, before the deadline`);
    assert.equal(seen.aborted, true);
    assert.ok(seen.reason instanceof DeadlineExceededError);
  });
});
