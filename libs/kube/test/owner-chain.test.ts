// Owner chains for every workload kind, resolved from the caches, with the API fallback for owners of kinds
// not cached, against the simulator's controllers (which create the ReplicaSets, Jobs and pods).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import type { KubeSim } from "@vigil/kube-sim";
import { ownerChain, type ClusterCache, type OwnerChain } from "../src/index.js";
import { barePod, cacheFor, cronJob, daemonSet, deployment, job, startSim, statefulSet, waitFor } from "./helpers.js";

const NS = "shop";
const MIRROR_HASH = "6e5f8a4b1c2d3e4f5a6b7c8d9e0f1a2b";

const summary = (c: OwnerChain) => c.chain.map((l) => `${l.kind}/${l.name}`);

describe("ownerChain", () => {
  let sim: KubeSim;
  let cache: ClusterCache;
  const podOf = (prefix: string): V1Pod => {
    const pod = cache
      .store("Pod")
      .list({ namespace: NS })
      .find((p) => p.metadata?.name?.startsWith(prefix));
    assert.ok(pod, `a pod named ${prefix}*`);
    return pod;
  };

  before(async () => {
    sim = await startSim();
    const nodeUid = sim.get("Node", "worker-1")!.metadata.uid!;
    sim.load([
      deployment("web", NS),
      statefulSet("db", NS),
      daemonSet("agent", NS),
      job("migrate", NS),
      cronJob("report", NS),
      barePod("debug", NS),
      // A static pod's mirror, as older kubelets wrote it (annotation only) and as current ones do (owned by the Node).
      barePod("etcd-worker-1", NS, { nodeName: "worker-1", annotations: { "kubernetes.io/config.mirror": MIRROR_HASH } }),
      {
        ...barePod("kube-proxy-worker-1", NS, { nodeName: "worker-1", annotations: { "kubernetes.io/config.mirror": MIRROR_HASH } }),
        metadata: {
          name: "kube-proxy-worker-1",
          namespace: NS,
          annotations: { "kubernetes.io/config.mirror": MIRROR_HASH },
          ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "worker-1", uid: nodeUid, controller: true }],
        },
      },
    ]);
    await sim.advance("90s"); // the CronJob's first Job, and its pod
    cache = cacheFor(sim, { kinds: ["Pod", "Node", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"] });
    cache.start();
    assert.equal(await cache.waitForSync(5_000), true);
  });
  after(async () => {
    await cache.stop();
    await sim.stop();
  });

  it("Deployment → ReplicaSet → Pod: the Deployment is the top owner", async () => {
    const c = await ownerChain(podOf("web-"), { cache });
    assert.deepEqual(
      c.chain.map((l) => l.kind),
      ["Pod", "ReplicaSet", "Deployment"],
    );
    const rs = c.chain[1]!;
    assert.equal(rs.uid, c.chain[0]!.object?.metadata?.ownerReferences?.[0]?.uid, "the pod's controller");
    assert.match(rs.name, /^web-[a-z0-9]+$/);
    assert.equal(c.top.kind, "Deployment");
    assert.equal(c.top.object, cache.get({ kind: "Deployment", name: "web", namespace: NS }), "the cached object itself");
    assert.deepEqual(
      c.chain.map((l) => l.source),
      ["given", "cache", "cache"],
    );
    assert.equal(c.incomplete, undefined);
    assert.equal(c.top.namespace, NS);
  });

  it("StatefulSet and DaemonSet own their pods directly", async () => {
    assert.deepEqual(summary(await ownerChain(podOf("db-"), { cache })), ["Pod/db-0", "StatefulSet/db"]);
    const ds = await ownerChain(podOf("agent-"), { cache });
    assert.equal(ds.chain.length, 2);
    assert.equal(ds.top.kind, "DaemonSet");
    assert.equal(ds.top.name, "agent");
  });

  it("Job → Pod, and CronJob → Job → Pod", async () => {
    const j = await ownerChain(podOf("migrate-"), { cache });
    assert.deepEqual(summary(j).slice(1), ["Job/migrate"]);
    const cj = await ownerChain(podOf("report-"), { cache });
    assert.equal(cj.chain.length, 3);
    assert.deepEqual(
      cj.chain.map((l) => l.kind),
      ["Pod", "Job", "CronJob"],
    );
    assert.equal(cj.top.name, "report");
  });

  it("a bare pod is its own top owner; a static pod's mirror belongs to its node", async () => {
    const bare = await ownerChain(podOf("debug"), { cache });
    assert.equal(bare.chain.length, 1);
    assert.equal(bare.top.kind, "Pod");
    assert.equal(bare.top.source, "given");
    for (const name of ["etcd-worker-1", "kube-proxy-worker-1"]) {
      const mirror = await ownerChain(podOf(name), { cache });
      assert.deepEqual(summary(mirror), [`Pod/${name}`, "Node/worker-1"], name);
      assert.equal(mirror.top.object, cache.get({ kind: "Node", name: "worker-1" }));
      assert.equal(mirror.top.namespace, undefined, "nodes are cluster-scoped");
    }
  });

  it("asks the API server for owners of kinds the cache does not hold, or says the chain is incomplete", async () => {
    const podsOnly = cacheFor(sim, { kinds: ["Pod"] });
    try {
      podsOnly.start();
      assert.equal(await podsOnly.waitForSync(5_000), true);
      const pod = podsOnly
        .store("Pod")
        .list({ namespace: NS })
        .find((p) => p.metadata?.name?.startsWith("web-"))!;
      const viaApi = await ownerChain(pod, { cache: podsOnly });
      assert.deepEqual(
        viaApi.chain.map((l) => `${l.kind}:${l.source}`),
        ["Pod:given", "ReplicaSet:api", "Deployment:api"],
      );
      assert.ok(
        (viaApi.top.object as KubernetesObject).metadata?.creationTimestamp instanceof Date,
        "read through the same model conversion",
      );

      const offline = await ownerChain(pod, { cache: podsOnly, client: null });
      assert.equal(offline.chain.length, 2);
      assert.equal(offline.chain[1]!.source, "missing");
      assert.equal(offline.top.kind, "ReplicaSet");
      assert.match(offline.incomplete!, /ReplicaSet ".*" was not found in the cache \(no API fallback\)/);
    } finally {
      await podsOnly.stop();
    }
  });

  it("stops at an owner that is gone, and at an owner kind outside the table", async () => {
    const orphan = {
      ...podOf("debug"),
      metadata: {
        ...podOf("debug").metadata,
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "deleted-rs", uid: "0000-gone", controller: true }],
      },
    } as V1Pod;
    const gone = await ownerChain(orphan, { cache });
    assert.equal(gone.chain.length, 2);
    assert.match(gone.incomplete!, /ReplicaSet "deleted-rs" was not found/);
    const rollout = {
      ...orphan,
      metadata: {
        ...orphan.metadata,
        ownerReferences: [{ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "web", uid: "1111", controller: true }],
      },
    } as V1Pod;
    const crd = await ownerChain(rollout, { cache });
    assert.deepEqual(summary(crd), ["Pod/debug", "Rollout/web"]);
    assert.equal(crd.top.kind, "Rollout");
    assert.match(crd.incomplete!, /not a kind libs\/kube reads/);
  });

  it("finds a new pod's owners once the watch delivers it", async () => {
    sim.patch("Deployment", "web", { spec: { replicas: 2 } }, { namespace: NS });
    await waitFor(() => cache.store("Pod").list({ namespace: NS, labelSelector: "app=web" }).length === 2, {
      message: "the second web pod",
    });
    for (const p of cache.store("Pod").list({ namespace: NS, labelSelector: "app=web" })) {
      assert.equal((await ownerChain(p, { cache })).top.name, "web");
    }
  });
});
