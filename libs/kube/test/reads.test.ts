// Reads beyond the caches, against the simulator over HTTP: metrics.k8s.io, container logs (current and
// previous), and rollout history of Deployments, StatefulSets and DaemonSets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubeSim } from "@vigil/kube-sim";
import { Registry } from "prom-client";
import { readContainerLogs, readNodeMetrics, readPodMetrics, rolloutHistory, type ClusterCache, type KubeClient } from "../src/index.js";
import { barePod, cacheFor, clientFor, daemonSet, deployment, startSim, statefulSet, waitFor } from "./helpers.js";

const NS = "shop";
const MiB = 1024 * 1024;

describe("reads beyond the caches", () => {
  let sim: KubeSim;
  let client: KubeClient;
  const podName = (prefix: string) => sim.list("Pod", NS).find((p) => p.metadata.name?.startsWith(prefix))!.metadata.name!;

  before(async () => {
    sim = await startSim();
    sim.load([
      deployment("measured", NS, {
        annotations: {
          "sim.vigil.dev/memory-demand": "100Mi",
          "sim.vigil.dev/cpu-demand": "80m",
          "sim.vigil.dev/log": "listening on :8080\nready",
        },
      }),
      deployment("crasher", NS, { annotations: { "sim.vigil.dev/crash-exit-code": "2", "sim.vigil.dev/crash-log": "panic: nil map" } }),
      {
        ...barePod("two", NS),
        spec: {
          containers: [
            { name: "app", image: "a:1" },
            { name: "proxy", image: "envoy:1" },
          ],
        },
      },
      barePod("unscheduled", NS, { nodeName: "no-such-node" }),
    ]);
    await sim.advance("1m");
    client = clientFor(sim);
  });
  after(() => sim.stop());

  it("reads node and pod metrics with quantities as numbers", async () => {
    const nodes = await readNodeMetrics(client);
    assert.ok(nodes.available);
    assert.deepEqual(nodes.items.map((n) => n.name).sort(), ["worker-1", "worker-2"]);
    for (const n of nodes.items) {
      assert.ok(n.cpuCores > 0 && n.memoryBytes > 0, `${n.name} has usage`);
      assert.ok(n.timestamp instanceof Date);
      assert.ok(n.windowSeconds! > 0);
    }
    const name = podName("measured-");
    const one = await readPodMetrics(client, { namespace: NS, name });
    assert.ok(one.available);
    const [pod] = one.items;
    assert.equal(pod!.name, name);
    assert.deepEqual(pod!.containers, [{ name: "app", cpuCores: 0.08, memoryBytes: 100 * MiB }]);
    assert.equal(pod!.cpuCores, 0.08);
    assert.equal(pod!.memoryBytes, 100 * MiB);
    const all = await readPodMetrics(client, { namespace: NS });
    assert.ok(all.available && all.items.some((p) => p.name === name));

    const pending = await readPodMetrics(client, { namespace: NS, name: "unscheduled" });
    assert.deepEqual(pending.available ? "available" : [pending.reason, pending.status], ["no-metrics", 404]);
  });

  it("reads current and previous container logs, bounded, and types the refusals", async () => {
    const measured = { namespace: NS, name: podName("measured-") };
    assert.deepEqual(await readContainerLogs(client, measured), { ok: true, text: "listening on :8080\nready\n", truncated: false });
    assert.deepEqual(await readContainerLogs(client, measured, { tailLines: 1 }), { ok: true, text: "ready\n", truncated: false });
    assert.deepEqual(await readContainerLogs(client, measured, { limitBytes: 9 }), { ok: true, text: "listening", truncated: true });
    const stamped = await readContainerLogs(client, measured, { timestamps: true });
    assert.ok(stamped.ok && /^\d{4}-\d\d-\d\dT\S+ listening on :8080$/m.test(stamped.text));

    const crasher = { namespace: NS, name: podName("crasher-") };
    const previous = await readContainerLogs(client, crasher, { previous: true, container: "app" });
    assert.ok(previous.ok, JSON.stringify(previous));
    assert.match(previous.text, /panic: nil map/);

    const refusals = await Promise.all([
      readContainerLogs(client, measured, { previous: true }),
      readContainerLogs(client, { namespace: NS, name: "two" }),
      readContainerLogs(client, measured, { container: "nope" }),
      readContainerLogs(client, { namespace: NS, name: "gone" }),
    ]);
    assert.deepEqual(
      refusals.map((r) => (r.ok ? "ok" : `${r.status} ${r.reason}`)),
      ["400 previous-not-found", "400 container-required", "400 container-not-found", "404 pod-not-found"],
    );
    const first = refusals[0];
    assert.ok(!first.ok && /previous terminated container "app"/.test(first.message));
  });

  describe("rollout history", () => {
    let cache: ClusterCache;
    const registry = new Registry();
    const requests = async () =>
      (await registry.getSingleMetric("vigil_kube_requests_total")!.get()).values.reduce((n, v) => n + v.value, 0);
    before(async () => {
      sim.load([deployment("web", NS, { image: "shop/web:1" }), statefulSet("db", NS), daemonSet("agent", NS)]);
      await sim.advance("10s");
      for (const image of ["shop/web:2", "shop/web:3"]) {
        await client.patch({ kind: "Deployment", name: "web", namespace: NS }, "strategic", {
          metadata: { annotations: { "kubernetes.io/change-cause": `set image ${image}` } },
          spec: { template: { spec: { containers: [{ name: "app", image }] } } },
        });
        await sim.advance("30s");
      }
      for (const name of ["db", "agent"]) {
        const kind = name === "db" ? ("StatefulSet" as const) : ("DaemonSet" as const);
        await client.patch({ kind, name, namespace: NS }, "strategic", {
          spec: { template: { spec: { containers: [{ name: "app", image: `${name}:2` }] } } },
        });
      }
      await sim.advance("1m");
      cache = cacheFor(sim, { kinds: ["Deployment", "ReplicaSet", "StatefulSet"], registry });
      cache.start();
      assert.equal(await cache.waitForSync(5_000), true);
    });
    after(() => cache.stop());

    it("a Deployment's ReplicaSets by revision, newest first, from the cache", async () => {
      await waitFor(() => cache.store("ReplicaSet").list({ namespace: NS, labelSelector: "app=web" }).length === 3, {
        message: "three ReplicaSets cached",
      });
      const before = await requests();
      const history = await rolloutHistory({ kind: "Deployment", name: "web", namespace: NS }, { cache });
      assert.equal(await requests(), before, "no API request");
      assert.deepEqual(
        history.map((r) => [r.revision, r.images[0], r.current]),
        [
          [3, "shop/web:3", true],
          [2, "shop/web:2", false],
          [1, "shop/web:1", false],
        ],
      );
      assert.equal(history[0]!.changeCause, "set image shop/web:3");
      assert.equal(history[0]!.kind, "ReplicaSet");
      assert.equal(history[0]!.readyReplicas, 1);
      assert.equal(history[2]!.replicas, 0, "the old ReplicaSet was scaled down");
      assert.equal(history[1]!.template?.spec?.containers[0]?.image, "shop/web:2", "what a rollback to revision 2 restores");
    });

    it("StatefulSet and DaemonSet ControllerRevisions, read from the API server when not cached", async () => {
      const sts = await rolloutHistory({ kind: "StatefulSet", name: "db", namespace: NS }, { cache });
      assert.deepEqual(
        sts.map((r) => [r.kind, r.revision, r.images[0], r.current]),
        [
          ["ControllerRevision", 2, "db:2", true],
          ["ControllerRevision", 1, "shop/web:1.0", false],
        ],
      );
      assert.equal(sts[0]!.name, cache.get({ kind: "StatefulSet", name: "db", namespace: NS })!.status?.updateRevision);
      const ds = await rolloutHistory({ kind: "DaemonSet", name: "agent", namespace: NS }, { client });
      assert.deepEqual(
        ds.map((r) => [r.revision, r.images[0], r.current]),
        [
          [2, "agent:2", true],
          [1, "shop/web:1.0", false],
        ],
      );
      await assert.rejects(rolloutHistory({ kind: "Deployment", name: "nope", namespace: NS }, { client }), /not found/);
    });
  });
});
