// What goes on the wire, and answers the simulator does not give yet (#8 adds RBAC to it): an API server
// without metrics-server, an identity that RBAC refuses, a proxy in the way, played by a small HTTP server
// answering with real API server Status bodies. The client, its error mapping and the typed results are
// what is under test.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { KubeApiError, KubeClient, evictPod, kubeConfigFromUrl, readNodeMetrics, readPodMetrics, toKubeApiError } from "../src/index.js";
import { startSim } from "./helpers.js";

const status = (code: number, reason: string, message: string, details?: object) =>
  JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
    ...(details ? { details } : {}),
  });
const USER = "system:serviceaccount:vigil:executor";

/** path prefix → [status, body, content type] */
const ROUTES: Array<[string, string, number, string, string?]> = [
  ["GET", "/apis/metrics.k8s.io/v1beta1/nodes", 404, status(404, "NotFound", "the server could not find the requested resource")],
  [
    "GET",
    "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods",
    503,
    status(503, "ServiceUnavailable", "the server is currently unable to handle the request (get pods.metrics.k8s.io)"),
  ],
  [
    "PATCH",
    "/apis/apps/v1/namespaces/shop/deployments/web",
    403,
    status(
      403,
      "Forbidden",
      `deployments.apps "web" is forbidden: User "${USER}" cannot patch resource "deployments" in API group "apps" in the namespace "shop"`,
      { name: "web", group: "apps", kind: "deployments" },
    ),
  ],
  [
    "POST",
    "/api/v1/namespaces/shop/pods/web-1/eviction",
    403,
    status(
      403,
      "Forbidden",
      `pods "web-1" is forbidden: User "${USER}" cannot create resource "pods/eviction" in API group "" in the namespace "shop"`,
    ),
  ],
  [
    "POST",
    "/api/v1/namespaces/shop/pods/busy-1/eviction",
    429,
    status(429, "TooManyRequests", "too many requests, please try again later", { retryAfterSeconds: 3 }),
  ],
  [
    "GET",
    "/api/v1/nodes",
    403,
    status(403, "Forbidden", `nodes is forbidden: User "${USER}" cannot list resource "nodes" in API group "" at the cluster scope`),
  ],
  ["GET", "/api/v1/namespaces", 502, "<html><body>502 Bad Gateway</body></html>", "text/html"],
  [
    "PATCH",
    "/apis/apps/v1/namespaces/shop/deployments/api",
    200,
    JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "api", namespace: "shop", creationTimestamp: "2025-01-01T00:00:00Z" },
      spec: { replicas: 2 },
    }),
  ],
];

describe("KubeClient error mapping (API server stand-in)", () => {
  let server: Server;
  let client: KubeClient;
  const seen: Array<{ method: string; url: string; contentType: string; body: string }> = [];

  before(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0];
      const route = ROUTES.find(([method, p]) => method === req.method && p === path);
      const [, , code, body, type] = route ?? ["", "", 404, status(404, "NotFound", "no route")];
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({
          method: req.method ?? "",
          url: req.url ?? "",
          contentType: req.headers["content-type"] ?? "",
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(code, { "Content-Type": type ?? "application/json" });
        res.end(body);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    client = new KubeClient(kubeConfigFromUrl(`http://127.0.0.1:${(server.address() as { port: number }).port}`), {
      fieldManager: "vigil-executor",
    });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("sends each patch type with its content type, dryRun=All and the field manager", async () => {
    const ref = { kind: "Deployment" as const, name: "api", namespace: "shop" };
    seen.length = 0;
    const result = await client.patch(ref, "strategic", { spec: { replicas: 2 } }, { dryRun: true });
    await client.patch(ref, "merge", { spec: { replicas: 2 } }, { fieldManager: "someone-else" });
    await client.patch(ref, "json", [{ op: "replace", path: "/spec/replicas", value: 2 }]);
    assert.deepEqual(
      seen.map((r) => [r.method, r.url, r.contentType, r.body]),
      [
        [
          "PATCH",
          "/apis/apps/v1/namespaces/shop/deployments/api?dryRun=All&fieldManager=vigil-executor",
          "application/strategic-merge-patch+json",
          '{"spec":{"replicas":2}}',
        ],
        [
          "PATCH",
          "/apis/apps/v1/namespaces/shop/deployments/api?fieldManager=someone-else",
          "application/merge-patch+json",
          '{"spec":{"replicas":2}}',
        ],
        [
          "PATCH",
          "/apis/apps/v1/namespaces/shop/deployments/api?fieldManager=vigil-executor",
          "application/json-patch+json",
          '[{"op":"replace","path":"/spec/replicas","value":2}]',
        ],
      ],
    );
    assert.equal(result.spec?.replicas, 2);
    assert.ok(result.metadata?.creationTimestamp instanceof Date);
  });

  it("metrics without metrics-server: a typed 'unavailable' result, not an error", async () => {
    assert.deepEqual(await readNodeMetrics(client), {
      available: false,
      reason: "metrics-api-unavailable",
      status: 404,
      message: "the server could not find the requested resource",
    });
    const pods = await readPodMetrics(client, { namespace: "shop" });
    assert.equal(pods.available, false);
    assert.ok(!pods.available && pods.reason === "metrics-api-unavailable" && pods.status === 503);
  });

  it("403 names the missing permission and is not retryable", async () => {
    const err = await client
      .patch({ kind: "Deployment", name: "web", namespace: "shop" }, "strategic", { spec: { replicas: 2 } })
      .catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.status, 403);
    assert.equal(err.reason, "Forbidden");
    assert.equal(err.retryable, false);
    assert.deepEqual(err.forbidden, { user: USER, verb: "patch", resource: "deployments", group: "apps", namespace: "shop" });
    assert.equal(err.kind, "Deployment");
    assert.equal(err.objectName, "web");

    const evict = await evictPod(client, { namespace: "shop", name: "web-1" }).catch((e: unknown) => e as KubeApiError);
    assert.deepEqual(evict instanceof KubeApiError && evict.forbidden, {
      user: USER,
      verb: "create",
      resource: "pods",
      subresource: "eviction",
      group: "",
      namespace: "shop",
    });

    const list = await client.list("Node").catch((e: unknown) => e as KubeApiError);
    assert.deepEqual(list instanceof KubeApiError && list.forbidden, { user: USER, verb: "list", resource: "nodes", group: "" });
  });

  it("throttling is not a budget: a 429 without a DisruptionBudget cause rejects, retryable", async () => {
    const err = await evictPod(client, { namespace: "shop", name: "busy-1" }).catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.status, 429);
    assert.equal(err.retryable, true);
    assert.equal(err.retryAfterSeconds, 3);
  });

  it("a proxy's non-JSON answer keeps its text, and server errors are retryable", async () => {
    const err = await client.list("Namespace").catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.status, 502);
    assert.equal(err.reason, "Unknown");
    assert.match(err.message, /502 Bad Gateway/);
    assert.equal(err.retryable, true);
  });

  it("an unreachable API server is a retryable KubeApiError with status 0", async () => {
    const dead = new KubeClient(kubeConfigFromUrl("http://127.0.0.1:9"));
    const err = await dead.get({ kind: "Pod", name: "x", namespace: "shop" }).catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.status, 0);
    assert.equal(err.reason, "Unreachable");
    assert.equal(err.retryable, true);
    assert.match(err.message, /^GET \/api\/v1\/namespaces\/shop\/pods\/x: .*ECONNREFUSED/);
  });
});

describe("toKubeApiError for client-node's own calls", () => {
  it("reads the Status out of an ApiException (its body is a JSON string)", async () => {
    const sim = await startSim();
    try {
      const core = kubeConfigFromUrl(sim.url).makeApiClient(CoreV1Api);
      const err = await core
        .readNamespacedPod({ name: "missing", namespace: "shop" })
        .catch((e: unknown) => toKubeApiError(e, { kind: "Pod" }));
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.status, 404);
      assert.equal(err.reason, "NotFound");
      assert.equal(err.message, 'pods "missing" not found');
      assert.equal(err.kind, "Pod");
      assert.equal(err.objectName, "missing");
    } finally {
      await sim.stop();
    }
  });
});
