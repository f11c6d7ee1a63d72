// REQUEST_TIMEOUT for real: a view over a namespace of thousands of pods takes longer than a 1 ms budget and
// answers 504 REQUEST_TIMEOUT, while the same request under the default 500 ms answers 200. And an async
// handler still running at the deadline has its AbortSignal aborted.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { DeadlineExceededError } from "@vigil/errors";
import { type ApiHarness, startApi } from "./api-harness.js";
import { abortWatchRoute, namespaceFindingsRoute } from "./api-test-routes.js";

const PODS = 3000;

const manyPods = () => [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "bulk" } },
  ...Array.from({ length: 3 }, (_, i) => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: `bulk-${i}`, labels: { "kubernetes.io/hostname": `bulk-${i}` } },
    status: { capacity: { cpu: "64", memory: "256Gi", pods: "2000" } },
  })),
  ...Array.from({ length: PODS }, (_, i) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `worker-${i}`, namespace: "bulk", labels: { app: "worker" } },
    spec: {
      nodeName: `bulk-${i % 3}`,
      containers: [{ name: "app", image: "shop/worker:1.0", resources: { requests: { cpu: "10m", memory: "16Mi" } } }],
    },
  })),
];

describe("analyzer REST API: REQUEST_TIMEOUT", () => {
  let sim: KubeSim;
  let relaxed: ApiHarness;
  let tight: ApiHarness;
  const seen: { aborted: boolean; reason?: unknown } = { aborted: false };

  before(async () => {
    sim = await KubeSim.start({ clock: "virtual" });
    sim.load(manyPods());
    const routes = [namespaceFindingsRoute, abortWatchRoute(seen)];
    [relaxed, tight] = await Promise.all([startApi({ sim, routes }), startApi({ sim, routes, env: { REQUEST_TIMEOUT: "1ms" } })]);
    await Promise.all([relaxed.caughtUp(20_000), tight.caughtUp(20_000)]);
  });
  after(async () => {
    await Promise.all([relaxed?.stop(), tight?.stop()]);
    await sim?.stop();
  });

  test(`a view over ${PODS} pods answers within the default 500ms`, async () => {
    assert.equal(relaxed.config.REQUEST_TIMEOUT, 500);
    const res = await relaxed.get<{ data: { pods: number } }>("/api/v1/test/namespace/bulk/findings");
    assert.equal(res.status, 200);
    assert.equal(res.body.data.pods, PODS);
  });

  test("the same view past a 1ms REQUEST_TIMEOUT is 504 REQUEST_TIMEOUT, counted per route", async () => {
    const res = await tight.get("/api/v1/test/namespace/bulk/findings", { headers: { "X-Request-ID": "slow-1" } });
    assert.equal(res.status, 504);
    assert.equal(res.body.error!.code, "REQUEST_TIMEOUT");
    assert.equal(res.body.error!.message, "request exceeded 1ms timeout");
    assert.match(
      String(res.body.error!.details),
      /GET \/api\/v1\/test\/namespace\/:namespace\/findings did not finish within REQUEST_TIMEOUT/,
    );
    assert.equal(res.body.metadata!.requestId, "slow-1");
    const metrics = await tight.registry.metrics();
    assert.match(metrics, /vigil_analyzer_api_timeouts_total\{route="\/api\/v1\/test\/namespace\/:namespace\/findings"\} 1/);
    assert.match(metrics, /http_request_duration_seconds_count\{[^}]*status_code="504"/);
  });

  test("an async handler still running at the deadline is aborted, with the timeout as the reason", async () => {
    const started = performance.now();
    const res = await relaxed.get("/api/v1/test/until-aborted");
    const took = performance.now() - started;
    assert.equal(res.status, 504);
    assert.equal(res.body.error!.message, "request exceeded 500ms timeout");
    assert.ok(took >= 490 && took < 2_000, `answered after ${Math.round(took)}ms`);
    assert.equal(seen.aborted, true);
    assert.ok(seen.reason instanceof DeadlineExceededError);
  });
});
