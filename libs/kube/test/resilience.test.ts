// The caches survive what real API servers do to watches: connections cut, history compacted (410 Gone),
// an API server that is not there yet, or that accepts and never answers.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { describe, it } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { Registry } from "prom-client";
import { ClusterCache, kubeConfigFromUrl, type CacheChange } from "../src/index.js";
import { FAST, cacheFor, configMap, freePort, namespace, silentLog, startSim, waitFor } from "./helpers.js";

const NS = "shop";

describe("ClusterCache across dropped watches and compaction", () => {
  it("reflects changes made during and after a disconnect, and deletions missed while history was compacted", async () => {
    const sim = await startSim();
    sim.load([configMap("kept", NS), configMap("changed", NS), configMap("doomed", NS)]);
    const registry = new Registry();
    const cache = cacheFor(sim, { kinds: ["ConfigMap"], registry });
    const changes: string[] = [];
    const record = (c: CacheChange) =>
      c.kind === "ConfigMap" && c.object.metadata?.namespace === NS && changes.push(`${c.type} ${c.object.metadata?.name}`);
    for (const type of ["add", "update", "delete"] as const) cache.on(type, record);
    const cm = (name: string) => cache.get({ kind: "ConfigMap", name, namespace: NS });
    const status = () => cache.status().find((s) => s.kind === "ConfigMap")!;
    try {
      cache.start();
      assert.equal(await cache.waitForSync(5_000), true);
      sim.load([configMap("probe", NS)]);
      await waitFor(() => cm("probe"), { message: "the watch is open: a new object arrives" });
      changes.length = 0;

      // Watches cut: what happens meanwhile arrives once the watch resumes from its resourceVersion.
      const watches = status().watches;
      assert.equal(sim.dropWatches(), 1);
      sim.load([configMap("during-drop", NS)]);
      await waitFor(() => cm("during-drop"), { message: "an object created while disconnected" });
      assert.ok(status().watches > watches, "the watch was restarted");
      assert.equal(status().lists, 1, "resumed, not relisted");
      sim.load([configMap("after-drop", NS)]);
      await waitFor(() => cm("after-drop"), { message: "an object created after the reconnect" });

      // History compacted while disconnected: resuming answers 410 Gone, only a relist catches up,
      // and it must notice the deletion it never saw as an event.
      sim.dropWatches();
      sim.patch("ConfigMap", "changed", { data: { key: "new" } }, { namespace: NS });
      sim.delete("ConfigMap", "doomed", NS);
      sim.load([configMap("during-compaction", NS)]);
      sim.compact();
      await waitFor(() => cm("during-compaction") && !cm("doomed"), { message: "the relist after 410" });
      assert.equal(status().relists, 1);
      assert.equal(status().lists, 2);
      assert.equal(status().state, "synced");
      assert.equal(status().lastError, undefined);
      const changed = cm("changed")!;
      assert.equal(
        changed.metadata?.resourceVersion,
        sim.get("ConfigMap", "changed", NS)?.metadata.resourceVersion,
        "the update is in the cache",
      );
      assert.ok(cm("kept"));
      // Each change reported once; the relist of unchanged objects reports nothing.
      assert.deepEqual(changes, ["add during-drop", "add after-drop", "delete doomed", "update changed", "add during-compaction"]);

      // And the watch after the relist works.
      sim.delete("ConfigMap", "kept", NS);
      await waitFor(() => !cm("kept"), { message: "a deletion after the relist" });
      assert.match(await registry.metrics(), /vigil_kube_cache_relists_total\{kind="ConfigMap"\} 1/);
    } finally {
      await cache.stop();
      await sim.stop();
    }
  });
});

describe("ClusterCache readiness against an absent API server", () => {
  it("is not ready while the API server is unreachable at start, says why, and becomes ready once it is up", async () => {
    const port = await freePort();
    const cache = new ClusterCache({
      kubeConfig: kubeConfigFromUrl(`http://127.0.0.1:${port}`),
      kinds: ["Pod", "Namespace"],
      log: silentLog,
      reflector: { ...FAST, backoff: { baseMs: 50, maxMs: 100 } },
    });
    let sim: KubeSim | undefined;
    try {
      cache.start();
      assert.equal(await cache.waitForSync(200), false);
      await waitFor(() => cache.status().every((s) => s.lastError !== undefined), { message: "both kinds report the failure" });
      const detail = cache.cachesSynced();
      assert.equal(typeof detail, "string");
      assert.match(detail as string, /Pod: connecting \(.*ECONNREFUSED/);
      assert.equal(cache.synced(), false);

      sim = await KubeSim.start({ port });
      sim.load([namespace(NS)]);
      await waitFor(() => cache.cachesSynced() === true, { message: "ready once the API server answers", timeoutMs: 5_000 });
      assert.ok(cache.get({ kind: "Namespace", name: NS }));
      assert.ok(cache.status().every((s) => s.state === "synced" && s.lastError === undefined));
    } finally {
      const stopping = Date.now();
      await cache.stop();
      assert.ok(Date.now() - stopping < 1_000, "stop() does not wait for a backoff or a request");
      assert.match(cache.cachesSynced() as string, /stopped/, "a stopped cache is not ready");
      await sim?.stop();
    }
  });

  it("abandons a list that hangs at the request deadline", async () => {
    // A server that accepts and never answers.
    const server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const cache = new ClusterCache({
      kubeConfig: kubeConfigFromUrl(`http://127.0.0.1:${port}`),
      kinds: ["Pod"],
      log: silentLog,
      reflector: { requestTimeoutMs: 200, backoff: { baseMs: 50, maxMs: 50 } },
    });
    try {
      cache.start();
      await waitFor(() => cache.status()[0]!.lastError, { message: "the first list times out", timeoutMs: 3_000 });
      assert.match(cache.status()[0]!.lastError!, /timeout/i);
      assert.equal(cache.status()[0]!.state, "connecting");
    } finally {
      await cache.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
