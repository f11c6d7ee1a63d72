// Names from a real Kubernetes API (kube-sim over HTTP, through @kubernetes/client-node as in production).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { pino } from "pino";
import { Enricher } from "../src/index.js";
import { silentLog } from "./helpers.js";

const NODE = "worker-1";
const MIRROR_HASH = "6e5f8a4b1c2d3e4f5a6b7c8d9e0f1a2b";

const node = (name: string) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name },
  status: { capacity: { cpu: "8", memory: "32Gi", pods: "110" } },
});

function pod(
  name: string,
  nodeName: string,
  opts: { namespace?: string; annotations?: Record<string, string>; memoryLimit?: string; init?: boolean } = {},
) {
  const limits = { memory: opts.memoryLimit ?? "128Mi" };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: opts.namespace ?? "shop", ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      nodeName,
      ...(opts.init
        ? { initContainers: [{ name: "migrate", image: "shop/migrate:1", resources: { limits: { memory: "64Mi" } }, ...{} }] }
        : {}),
      containers: [
        { name: "app", image: "shop/web:1.0", resources: { requests: { cpu: "100m", memory: "64Mi" }, limits } },
        { name: "sidecar", image: "envoyproxy/envoy:v1.31.0", resources: { requests: { cpu: "50m", memory: "32Mi" } } },
      ],
    },
  };
}

const cgroupOf = (p: V1Pod, containerId: string) =>
  `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${p.metadata!.uid!.replaceAll("-", "_")}.slice/cri-containerd-${containerId}.scope`;
const idOf = (containerID: string | undefined) => containerID?.replace(/^containerd:\/\//, "");

describe("Enricher with the Kubernetes API (kube-sim)", () => {
  let sim: KubeSim;
  let kc: KubeConfig;
  let enricher: Enricher;
  const get = (name: string, ns = "shop") => sim.get("Pod", name, ns) as unknown as V1Pod;

  before(async () => {
    sim = await KubeSim.start();
    sim.load([node(NODE), node("worker-2"), { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }]);
    sim.load([
      pod("web-1", NODE, { init: true, annotations: { "sim.vigil.dev/complete-after-seconds.migrate": "1" } }),
      pod("web-2", "worker-2"),
      pod("kube-apiserver-worker-1", NODE, {
        namespace: "kube-system",
        annotations: { "kubernetes.io/config.mirror": MIRROR_HASH, "kubernetes.io/config.hash": MIRROR_HASH },
      }),
    ]);
    kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    // pino is what the service passes; it must fit the logger interface.
    enricher = new Enricher({
      node: NODE,
      kubeConfig: kc,
      log: pino({ level: "silent" }),
      reflector: { backoff: { baseMs: 20, maxMs: 100 } },
    });
  });
  after(async () => {
    await enricher.stop();
    await sim.stop();
  });

  it("start() lists this node's pods and reports the source", async () => {
    const status = await enricher.start();
    assert.equal(status.kubernetes?.state, "synced");
    assert.deepEqual(status.sources, ["kubernetes", "path"]);
    assert.equal(status.kubernetes?.pods, 2, "web-1 and the static pod's mirror; web-2 runs on worker-2");
    assert.equal(status.lastError, undefined);
  });

  it("names a pod by uid before its containers run, and not pods of other nodes", () => {
    const web1 = get("web-1");
    const podCgroup = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${web1.metadata!.uid!.replaceAll("-", "_")}.slice`;
    assert.deepEqual(enricher.enrich({ cgroupPath: podCgroup }), {
      cgroup: podCgroup,
      qos: "Burstable",
      pod: { uid: web1.metadata!.uid!, namespace: "shop", name: "web-1" },
      source: "kubernetes",
    });
    const web2 = get("web-2");
    assert.deepEqual(enricher.enrich({ podUid: web2.metadata!.uid! }), { pod: { uid: web2.metadata!.uid! }, source: "path" });
  });

  it("names containers by id once they run (kube-sim gives containerd://<64 hex> ids)", async () => {
    await sim.advance("30s");
    const web1 = get("web-1");
    const statuses = web1.status!.containerStatuses!;
    assert.equal(statuses.length, 2);
    for (const s of statuses) {
      assert.match(s.containerID ?? "", /^containerd:\/\/[0-9a-f]{64}$/, `${s.name} has a containerd id once running`);
    }
    const app = idOf(statuses.find((s) => s.name === "app")!.containerID)!;
    await waitFor(() => enricher.enrich({ containerId: app }).container?.name === "app", { message: "the watch delivers the running pod" });
    assert.deepEqual(enricher.enrich({ cgroupPath: cgroupOf(web1, app) }), {
      cgroup: cgroupOf(web1, app),
      qos: "Burstable",
      pod: { uid: web1.metadata!.uid!, namespace: "shop", name: "web-1" },
      container: { id: app, name: "app", runtime: "containerd" },
      source: "kubernetes",
    });
    // A container id alone finds its pod; a short (docker ps) id too.
    assert.equal(enricher.enrich({ containerId: app }).pod?.name, "web-1");
    assert.equal(enricher.enrich({ containerId: app.slice(0, 12) }).container?.id, app);
    // Init containers are indexed as well.
    const init = idOf(web1.status!.initContainerStatuses?.[0]?.containerID);
    assert.ok(init, "kube-sim reports the init container's id");
    assert.equal(enricher.enrich({ containerId: init }).container?.name, "migrate");
  });

  it("a static pod's cgroup (config hash as uid) resolves to its mirror pod", () => {
    const mirror = get("kube-apiserver-worker-1", "kube-system");
    const e = enricher.enrich({ cgroupPath: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${MIRROR_HASH}.slice` });
    assert.deepEqual(e.pod, { uid: mirror.metadata!.uid!, namespace: "kube-system", name: "kube-apiserver-worker-1" });
  });

  it("an OOM-killed container's id stays resolvable after it was replaced", async () => {
    sim.load([pod("leaky", NODE, { annotations: { "sim.vigil.dev/memory-demand.app": "200Mi" }, memoryLimit: "100Mi" })]);
    await sim.advance("10s");
    const first = idOf(get("leaky").status!.containerStatuses!.find((s) => s.name === "app")!.containerID);
    assert.ok(first);
    await sim.advance("2m"); // several crash-loop restarts: the first id has left the status
    const now = get("leaky").status!.containerStatuses!.find((s) => s.name === "app")!;
    assert.ok(now.restartCount >= 2, `restarted ${now.restartCount} times`);
    assert.notEqual(idOf(now.containerID), first);
    assert.notEqual(idOf(now.lastState?.terminated?.containerID), first);
    await waitFor(() => enricher.enrich({ containerId: idOf(now.containerID)! }).container?.name === "app", {
      message: "the watch caught up",
    });
    const e = enricher.enrich({ containerId: first });
    assert.equal(e.container?.name, "app");
    assert.equal(e.pod?.name, "leaky");
    assert.ok(enricher.status().kubernetes!.goneContainers >= 1);
  });

  it("a deleted pod is still named for a while", async () => {
    const web1 = get("web-1");
    const app = idOf(web1.status!.containerStatuses!.find((s) => s.name === "app")!.containerID)!;
    sim.delete("Pod", "web-1", "shop");
    await waitFor(() => enricher.status().kubernetes!.gonePods === 1, { message: "the deletion arrives" });
    const e = enricher.enrich({ cgroupPath: cgroupOf(web1, app) });
    assert.equal(e.pod?.name, "web-1");
    assert.equal(e.container?.name, "app");
  });

  it("resumes after dropped watches, and relists after compaction", async () => {
    const watchesBefore = enricher.status().kubernetes!.watches;
    assert.ok(sim.dropWatches() >= 1);
    sim.load([pod("after-drop", NODE)]);
    const uid = () => get("after-drop").metadata!.uid!;
    await waitFor(() => enricher.enrich({ podUid: uid() }).pod?.name === "after-drop", { message: "the new pod after the reconnect" });
    assert.ok(enricher.status().kubernetes!.watches > watchesBefore);

    const listsBefore = enricher.status().kubernetes!.lists;
    // While disconnected: changes, then their history forgotten. Resuming answers 410; only a relist helps.
    sim.dropWatches();
    sim.load([pod("after-compaction", NODE)]);
    sim.delete("Pod", "after-drop", "shop"); // never seen as a watch event: the relist must notice
    sim.compact();
    await waitFor(() => enricher.enrich({ podUid: get("after-compaction").metadata!.uid! }).pod?.name === "after-compaction", {
      message: "the new pod after the relist",
    });
    assert.ok(enricher.status().kubernetes!.lists > listsBefore, "relisted after 410");
    await waitFor(() => enricher.status().kubernetes!.gonePods === 2, { message: "the missed deletion is noticed" });
    assert.equal(enricher.status().kubernetes!.state, "synced");
  });
});

describe("Enricher's watch timeouts (kube-sim)", () => {
  it("the server ends each watch after timeoutSeconds; the enricher resumes without relisting or errors", async () => {
    const sim = await KubeSim.start();
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    sim.load([node(NODE), { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }]);
    const enricher = new Enricher({ node: NODE, kubeConfig: kc, log: silentLog, reflector: { watchTimeoutSeconds: [1, 1] } });
    try {
      await enricher.start();
      await waitFor(() => enricher.status().kubernetes!.watches >= 3, { message: "two watch timeouts", timeoutMs: 5_000 });
      sim.load([pod("late", NODE)]);
      const uid = (sim.get("Pod", "late", "shop") as unknown as V1Pod).metadata!.uid!;
      await waitFor(() => enricher.enrich({ podUid: uid }).pod?.name === "late", { message: "the pod arrives on a resumed watch" });
      const k = enricher.status().kubernetes!;
      assert.equal(k.lists, 1, "resumed from the resourceVersion each time, never relisted");
      assert.equal(k.lastError, undefined);
      assert.equal(k.state, "synced");
    } finally {
      await enricher.stop();
      await sim.stop();
    }
  });
});

describe("Enricher with an unreachable API server", () => {
  it("start() returns within its timeout, reports the state, and enrichment still works from the path", async () => {
    const kc = new KubeConfig();
    // A port nothing listens on: connection refused, immediately and forever.
    kc.loadFromOptions({
      clusters: [{ name: "dead", server: "http://127.0.0.1:9", skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "dead", cluster: "dead", user: "u" }],
      currentContext: "dead",
    });
    const enricher = new Enricher({
      node: NODE,
      kubeConfig: kc,
      log: silentLog,
      startTimeoutMs: 300,
      reflector: { backoff: { baseMs: 50, maxMs: 100 } },
    });
    const started = Date.now();
    const status = await enricher.start();
    assert.ok(Date.now() - started < 2_000, `start() took ${Date.now() - started} ms`);
    assert.equal(status.kubernetes?.state, "connecting");
    assert.deepEqual(status.sources, ["path"]);
    assert.match(status.kubernetes?.lastError ?? "", /ECONNREFUSED|connect/i);
    assert.match(status.lastError ?? "", /^kubernetes: /);
    const uid = "0b7f3c1e-2d4a-4e6f-8a9b-1c2d3e4f5a6b";
    assert.deepEqual(enricher.enrich({ cgroupPath: `/kubepods/pod${uid}` }), {
      cgroup: `/kubepods/pod${uid}`,
      qos: "Guaranteed",
      pod: { uid },
      source: "path",
    });
    const stopping = Date.now();
    await enricher.stop();
    assert.ok(Date.now() - stopping < 1_000, "stop() does not wait for a backoff");
    assert.equal(enricher.status().kubernetes?.state, "stopped");
  });

  it("a list that hangs is abandoned at the request deadline", async () => {
    // A server that accepts and never answers.
    const { createServer } = await import("node:http");
    const server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "hung", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "hung", cluster: "hung", user: "u" }],
      currentContext: "hung",
    });
    const enricher = new Enricher({
      node: NODE,
      kubeConfig: kc,
      log: silentLog,
      startTimeoutMs: 100,
      reflector: { requestTimeoutMs: 200, backoff: { baseMs: 50, maxMs: 50 } },
    });
    try {
      const status = await enricher.start();
      assert.equal(status.kubernetes?.state, "connecting");
      await waitFor(() => enricher.status().kubernetes?.lastError !== undefined, { message: "the first list times out", timeoutMs: 3_000 });
      assert.match(enricher.status().kubernetes!.lastError!, /abort|timeout/i);
    } finally {
      await enricher.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
