// The REST machinery over the `healthy` scenario: the success and error envelopes, X-Request-ID, and every
// error code the router and the kit answer (400, 404, 405, 500, 503), with the seed's wording.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type UsageAnswer, type UsageView, noUsage } from "@vigil/analysis";
import type { NodeUsage } from "@vigil/kube";
import { type ApiHarness, type EnvelopeBody, startApi } from "./api-harness.js";
import { machineryRoutes } from "./api-test-routes.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("analyzer REST API: envelopes and errors", () => {
  let api: ApiHarness;
  let pod: { name: string; node: string };
  // A stand-in for the usage cache (its own tests cover polling): says one node has metrics, no other.
  const usageOf = new Map<string, UsageAnswer<NodeUsage>>();
  const usage: UsageView = {
    ...noUsage,
    node: (name) => usageOf.get(name) ?? { available: false, reason: "metrics-server not found (404)" },
  };

  before(async () => {
    api = await startApi({ scenario: "healthy", routes: machineryRoutes, usage });
    const running = api.sim.list("Pod", "shop").find((p) => p.spec?.nodeName && p.status?.phase === "Running");
    assert.ok(running, "the healthy scenario has a running pod in shop");
    pod = { name: running.metadata.name!, node: running.spec!.nodeName! };
  });
  after(() => api?.stop());

  test("an answer is {data, metadata: {requestId, timestamp}} with a generated request id", async () => {
    const res = await api.get(`/api/v1/test/pods/shop/${pod.name}/summary`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { name: pod.name, namespace: "shop", node: pod.node, phase: "Running" });
    assert.match(res.body.metadata!.requestId, UUID);
    assert.equal(res.headers.get("x-request-id"), res.body.metadata!.requestId);
    assert.ok(Math.abs(Date.parse(res.body.metadata!.timestamp) - Date.now()) < 60_000, "timestamp is an ISO time of now");
    assert.deepEqual(Object.keys(res.body).sort(), ["data", "metadata"]);
  });

  test("X-Request-ID is echoed in metadata and the header, on answers and errors (the seed never filled it)", async () => {
    const ok = await api.get(`/api/v1/test/pods/shop/${pod.name}/summary`, { headers: { "X-Request-ID": "trace-42.a:b" } });
    assert.equal(ok.body.metadata!.requestId, "trace-42.a:b");
    assert.equal(ok.headers.get("x-request-id"), "trace-42.a:b");
    const missing = await api.get("/api/v1/test/pods/shop/nope/summary", { headers: { "X-Request-ID": "trace-43" } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.metadata!.requestId, "trace-43");
    // An id that could inject into logs or headers is replaced, not echoed.
    const odd = await api.get(`/api/v1/test/pods/shop/${pod.name}/summary`, { headers: { "X-Request-ID": "a b<script>" } });
    assert.match(odd.body.metadata!.requestId, UUID);
  });

  test("400 BAD_REQUEST for an empty path segment, worded as the seed", async () => {
    const cases: Array<[string, string]> = [
      ["/api/v1/test/pods//web/summary", "namespace is required"],
      ["/api/v1/test/pods/shop//summary", "pod name is required"],
      ["/api/v1/test/pods///summary", "namespace is required"],
      ["/api/v1/test/nodes//usage", "node name is required"],
      ["/api/v1/test/namespace/%20/findings", "namespace is required"],
    ];
    for (const [path, details] of cases) {
      const res = await api.get(path);
      assert.equal(res.status, 400, path);
      assert.deepEqual(res.body.error, { code: "BAD_REQUEST", message: "Invalid request", details }, path);
      assert.ok(res.body.metadata?.requestId, path);
    }
  });

  test("400 BAD_REQUEST lists every invalid parameter, path and query, as zod issues", async () => {
    const res = await api.get("/api/v1/test/namespace/Shop_1/findings?limit=0&severity=fatal");
    assert.equal(res.status, 400);
    assert.equal(res.body.error!.code, "BAD_REQUEST");
    const problems = res.body.error!.details as Array<{ in: string; name: string; message: string }>;
    assert.deepEqual(
      problems.map((p) => `${p.in}:${p.name}`),
      ["path:namespace", "query:limit", "query:severity"],
    );
    assert.match(problems[0]!.message, /not a valid namespace name/);
    const fine = await api.get("/api/v1/test/namespace/shop/findings?limit=5&severity=critical");
    assert.equal(fine.status, 200);
  });

  test("404 RESOURCE_NOT_FOUND for an unknown pod or node, in the seed's words", async () => {
    const podRes = await api.get("/api/v1/test/pods/shop/no-such-pod/summary");
    assert.equal(podRes.status, 404);
    assert.deepEqual(podRes.body.error, {
      code: "RESOURCE_NOT_FOUND",
      message: "Pod not found",
      details: "Pod 'no-such-pod' not found in namespace 'shop'",
    });
    const nodeRes = await api.get("/api/v1/test/nodes/no-such-node/usage");
    assert.equal(nodeRes.status, 404);
    assert.deepEqual(nodeRes.body.error, {
      code: "RESOURCE_NOT_FOUND",
      message: "Node not found",
      details: "Node 'no-such-node' not found",
    });
    const noRoute = await api.get("/api/v1/nothing-here");
    assert.equal(noRoute.status, 404);
    assert.equal(noRoute.body.error!.code, "RESOURCE_NOT_FOUND");
  });

  test("503 SERVICE_UNAVAILABLE with Retry-After while a node's metrics are missing; 200 once they exist", async () => {
    const missing = await api.get(`/api/v1/test/nodes/${pod.node}/usage`);
    assert.equal(missing.status, 503);
    assert.deepEqual(missing.body.error, {
      code: "SERVICE_UNAVAILABLE",
      message: "Metrics server not available",
      details: "metrics-server not found (404)",
    });
    assert.equal(missing.headers.get("retry-after"), "15");
    usageOf.set(pod.node, { available: true, value: { name: pod.node, cpuCores: 0.25, memoryBytes: 1 << 30 }, at: new Date() });
    const present = await api.get(`/api/v1/test/nodes/${pod.node}/usage`);
    assert.equal(present.status, 200);
    assert.deepEqual(present.body.data, { nodeName: pod.node, cpuCores: 0.25 });
  });

  test("405 METHOD_NOT_ALLOWED with Allow: GET for other methods on a known path", async () => {
    for (const [method, path] of [
      ["POST", `/api/v1/test/pods/shop/${pod.name}/summary`],
      ["DELETE", "/api/v1/test/pods//x/summary"],
      ["PUT", "/api/v1/openapi.json"],
    ] as const) {
      const res = await api.get(path, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get("allow"), "GET");
      assert.equal(res.body.error!.code, "METHOD_NOT_ALLOWED");
      assert.match(res.body.error!.message, new RegExp(`^${method} is not supported`));
    }
    const head = await fetch(`${api.url}/api/v1/test/pods/shop/${pod.name}/summary`, { method: "HEAD" });
    assert.equal(head.status, 200, "HEAD is GET without a body");
  });

  test("500 INTERNAL_ERROR for a handler bug, without its message", async () => {
    const res = await api.get<EnvelopeBody>("/api/v1/test/broken", { headers: { "X-Request-ID": "bug-1" } });
    assert.equal(res.status, 500);
    assert.deepEqual(res.body.error, { code: "INTERNAL_ERROR", message: "internal error; see the service log for this request id" });
    assert.equal(res.body.metadata!.requestId, "bug-1");
    assert.doesNotMatch(JSON.stringify(res.body), /Cannot read|undefined|internal-db-password/);
  });

  test("an answer that breaks its route's schema is a 500 naming the field (response validation, tests only)", async () => {
    const res = await api.get("/api/v1/test/wrong-shape");
    assert.equal(res.status, 500);
    assert.equal(res.body.error!.code, "INTERNAL_ERROR");
    assert.match(res.body.error!.message, /testWrongShape does not match its schema/);
    assert.deepEqual(
      (res.body.error!.details as Array<{ path: string }>).map((i) => i.path),
      ["name"],
    );
  });

  test("requests are timed per route pattern by the kit's histogram", async () => {
    const text = await api.registry.metrics();
    assert.match(
      text,
      /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/test\/pods\/:namespace\/:pod\/summary"[^}]*status_code="200"/,
    );
    assert.match(
      text,
      /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/test\/pods\/:namespace\/:pod\/summary"[^}]*status_code="404"/,
    );
  });
});
