// The usage poller against the simulator (metrics.k8s.io and kubelet stats/summary, as metrics-server and the
// kubelet serve them), and against a stand-in API server without metrics-server and with a dead kubelet.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { Registry } from "prom-client";
import { type ClusterCache, KubeClient, UsageCache, kubeConfigFromUrl } from "../src/index.js";
import { cacheFor, waitFor } from "./helpers.js";

const GiB = 1024 ** 3;

describe("UsageCache on the simulator", () => {
  let sim: KubeSim;
  let cache: ClusterCache;
  let usage: UsageCache;
  const registry = new Registry();

  before(async () => {
    sim = await KubeSim.start({ scenario: "pvc-near-full", clock: "virtual" });
    cache = cacheFor(sim, { kinds: ["Node", "Pod"] });
    cache.start();
    assert.ok(await cache.waitForSync(10_000));
    usage = new UsageCache({
      client: cache.client,
      nodes: () => cache.store("Node").list(),
      intervalMs: 50,
      volumeIntervalMs: 50,
      registry,
    });
    await usage.start();
  });
  after(async () => {
    await usage.stop();
    await cache.stop();
    await sim.stop();
  });

  it("answers node and pod usage from metrics.k8s.io after the first poll", () => {
    const nodes = cache.store("Node").list();
    assert.ok(nodes.length >= 1);
    for (const n of nodes) {
      const a = usage.node(n.metadata!.name!);
      assert.ok(a.available, `node ${n.metadata!.name} has usage`);
      assert.ok(a.value.cpuCores > 0 && a.value.memoryBytes > 0);
      // The sample's time is the simulator's (virtual) clock, not this process's.
      assert.ok(Math.abs(a.at.getTime() - sim.clock.now()) < 120_000, "timestamped in cluster time");
    }
    const pg = cache
      .store("Pod")
      .list({ namespace: "db" })
      .find((p) => p.metadata!.name!.startsWith("postgres"));
    assert.ok(pg, "the postgres pod exists");
    const p = usage.pod("db", pg.metadata!.name!);
    assert.ok(p.available);
    assert.equal(p.value.containers[0]!.name, "postgres");
    assert.ok(p.value.memoryBytes > 0);
  });

  it("answers PVC volume usage from the kubelets' stats/summary", () => {
    const v = usage.volume("db", "data-postgres-0");
    assert.ok(v.available, v.available ? "" : v.reason);
    assert.equal(v.value.capacityBytes, 10 * GiB);
    assert.ok(v.value.usedBytes >= 8800 * 1024 ** 2, "8800Mi used, as the scenario says");
    assert.equal(v.value.availableBytes, v.value.capacityBytes - v.value.usedBytes);
    assert.ok(v.value.node.length > 0);
  });

  it("says why there is no answer for objects metrics-server and the kubelets do not report", () => {
    const node = usage.node("no-such-node");
    assert.ok(!node.available && /no sample for node "no-such-node"/.test(node.reason));
    const pod = usage.pod("data", "ghost");
    assert.ok(!pod.available && /no sample for pod data\/ghost/.test(pod.reason));
    const vol = usage.volume("data", "nothing");
    assert.ok(!vol.available && /PVC data\/nothing/.test(vol.reason));
  });

  it("keeps polling: later answers follow the cluster's clock", async () => {
    const node = cache.store("Node").list()[0]!.metadata!.name!;
    const before = usage.node(node);
    assert.ok(before.available);
    await sim.advance("2m");
    await waitFor(() => {
      const a = usage.node(node);
      return a.available && a.at.getTime() > before.at.getTime();
    });
    const text = await registry.metrics();
    assert.match(text, /vigil_kube_usage_polls_total\{source="node-metrics",outcome="ok"\} \d+/);
    assert.match(text, /vigil_kube_usage_polls_total\{source="volume-stats",outcome="ok"\} \d+/);
    assert.deepEqual(
      usage.status().map((s) => [s.source, s.state]),
      [
        ["node-metrics", "available"],
        ["pod-metrics", "available"],
        ["volume-stats", "available"],
      ],
    );
  });
});

describe("UsageCache without metrics-server", () => {
  let server: Server;
  let url: string;
  const status = (code: number, reason: string, message: string) =>
    JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
  const readyNode = (name: string) => ({
    metadata: { name },
    status: { conditions: [{ type: "Ready", status: "True" }] },
  });

  before(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0]!;
      const send = (code: number, body: string) => res.writeHead(code, { "Content-Type": "application/json" }).end(body);
      if (path === "/apis/metrics.k8s.io/v1beta1/nodes")
        return send(404, status(404, "NotFound", "the server could not find the requested resource"));
      if (path === "/apis/metrics.k8s.io/v1beta1/pods")
        return send(
          503,
          status(503, "ServiceUnavailable", "the server is currently unable to handle the request (get pods.metrics.k8s.io)"),
        );
      if (path === "/api/v1/nodes")
        return send(
          200,
          JSON.stringify({ kind: "NodeList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [readyNode("n1")] }),
        );
      if (path === "/api/v1/nodes/n1/proxy/stats/summary")
        return send(
          500,
          status(500, "InternalError", "error trying to reach service: dial tcp 10.0.0.1:10250: connect: connection refused"),
        );
      send(404, status(404, "NotFound", "not found"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers 'unavailable' with the reason, and counts the outcomes", async () => {
    const registry = new Registry();
    const usage = new UsageCache({
      client: new KubeClient(kubeConfigFromUrl(url), { requestTimeoutMs: 2_000 }),
      intervalMs: 60_000,
      volumeIntervalMs: 60_000,
      registry,
    });
    await usage.start();
    await usage.stop();
    const node = usage.node("n1");
    assert.ok(!node.available);
    assert.match(node.reason, /^metrics-server not available \(HTTP 404: /);
    const pod = usage.pod("shop", "web-1");
    assert.ok(!pod.available);
    assert.match(pod.reason, /^metrics-server not available \(HTTP 503: .*unable to handle the request/);
    const vol = usage.volume("shop", "data");
    assert.ok(!vol.available);
    assert.match(vol.reason, /every kubelet failed: n1: .*connection refused/);
    const text = await registry.metrics();
    assert.match(text, /vigil_kube_usage_polls_total\{source="node-metrics",outcome="unavailable"\} 1/);
    assert.match(text, /vigil_kube_usage_polls_total\{source="pod-metrics",outcome="unavailable"\} 1/);
    assert.match(text, /vigil_kube_usage_polls_total\{source="volume-stats",outcome="error"\} 1/);
    assert.deepEqual(
      usage.status().map((s) => s.state),
      ["unavailable", "unavailable", "unavailable"],
    );
  });

  it("stop() before the first answer still resolves start()", async () => {
    const usage = new UsageCache({ client: new KubeClient(kubeConfigFromUrl(url)), intervalMs: 60_000, volumeIntervalMs: 60_000 });
    const started = usage.start();
    await usage.stop();
    await started;
    assert.ok(usage.status().every((s) => s.polls <= 1));
  });
});
