// Names from a real CRI runtime (FakeRuntime: gRPC over a unix socket, containerd-shaped answers).
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { CriClient } from "@vigil/cri";
import { FakeRuntime, hexId } from "@vigil/cri/testing";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { Enricher, type EnricherOptions } from "../src/index.js";
import { silentLog } from "./helpers.js";

const sd = (uid: string) => `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replaceAll("-", "_")}.slice`;

describe("Enricher with the container runtime (CRI)", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  async function setup(options: Partial<EnricherOptions> = {}, runtimeName?: string) {
    const rt = await FakeRuntime.start(runtimeName ? { version: { runtime_name: runtimeName, runtime_version: "1.30.4" } } : {});
    cleanup.push(() => rt.close());
    const client = new CriClient({ endpoint: rt.endpoint, callTimeoutMs: 1_000, reconnect: { baseMs: 50, maxMs: 50 } });
    cleanup.push(() => client.close());
    const make = () => {
      const e = new Enricher({ node: "worker-1", cri: client, log: silentLog, criRefreshIntervalMs: 100, ...options });
      cleanup.push(() => e.stop());
      return e;
    };
    return { rt, client, make };
  }

  it("names pods and containers from the runtime's labels when there is no API access", async () => {
    const { rt, make } = await setup();
    const web = rt.addPod({ name: "web-1", namespace: "shop", containers: [{ name: "app" }, { name: "sidecar" }] });
    const enricher = make();
    const status = await enricher.start();
    assert.equal(status.cri?.state, "ok");
    assert.equal(status.cri?.runtime, "containerd");
    assert.deepEqual(status.sources, ["cri", "path"]);
    const app = web.containers[0]!;
    const cgroup = `${sd(web.uid)}/cri-containerd-${app.id}.scope`;
    assert.deepEqual(enricher.enrich({ cgroupPath: cgroup }), {
      cgroup,
      qos: "Burstable",
      pod: { uid: web.uid, namespace: "shop", name: "web-1" },
      container: { id: app.id, name: "app", runtime: "containerd" },
      source: "cri",
    });
    // Container id only: the labels carry the pod.
    assert.deepEqual(enricher.enrich({ containerId: web.containers[1]!.id }).pod, { uid: web.uid, namespace: "shop", name: "web-1" });
    // The sandbox (pause) container: only the runtime knows its id.
    assert.deepEqual(enricher.enrich({ cgroupPath: `${sd(web.uid)}/cri-containerd-${web.sandboxId}.scope` }).container, {
      id: web.sandboxId,
      runtime: "containerd",
      sandbox: true,
    });
  });

  it("a miss triggers one snapshot per interval; the new container is named once it lands", async () => {
    const { rt, make } = await setup({ criRefreshIntervalMs: 300 });
    const enricher = make();
    await enricher.start();
    const callsAfterStart = rt.calls.ListContainers;
    const late = rt.addPod({ name: "late", namespace: "jobs", containers: [{ name: "worker" }] });
    const input = { cgroupPath: `/kubepods/burstable/pod${late.uid}/${late.containers[0]!.id}` };
    // Right after start the interval has not passed: a miss is answered from the path, no call is made.
    const first = enricher.enrich(input);
    assert.deepEqual(
      first.container,
      { id: late.containers[0]!.id, runtime: "containerd" },
      "the runtime name is known, the container not yet",
    );
    assert.equal(first.source, "path");
    for (let i = 0; i < 1000; i++) enricher.enrich(input);
    assert.equal(rt.calls.ListContainers, callsAfterStart, "no call within the interval");
    await waitFor(() => enricher.enrich(input).container?.name === "worker", { message: "the next snapshot names it", timeoutMs: 3_000 });
    assert.equal(rt.calls.ListContainers, callsAfterStart + 1, "one snapshot for a thousand misses");
    assert.equal(enricher.enrich(input).pod?.name, "late");
  });

  it("exited containers and removed pods stay resolvable; a runtime outage keeps the last snapshot", async () => {
    const { rt, make } = await setup();
    const done = rt.addPod({ name: "batch", namespace: "jobs", containers: [{ name: "run", state: "exited" }] });
    const gone = rt.addPod({ name: "gone", namespace: "jobs", containers: [{ name: "x" }] });
    const enricher = make();
    await enricher.start();
    assert.equal(enricher.enrich({ containerId: done.containers[0]!.id }).container?.name, "run");

    rt.removePod(gone);
    const other = rt.addPod({ name: "other", containers: [{ name: "y" }] });
    await waitFor(() => enricher.enrich({ containerId: other.containers[0]!.id }).container?.name === "y", {
      message: "a snapshot without the removed pod",
    });
    assert.equal(enricher.enrich({ containerId: gone.containers[0]!.id }).pod?.name, "gone", "remembered after the runtime forgot it");

    await rt.stop();
    const unknown = hexId();
    // Misses ask again once the interval passed, and fail.
    await waitFor(() => enricher.enrich({ containerId: unknown }) && enricher.status().cri?.state === "error", {
      message: "the failure is reported",
    });
    assert.match(enricher.status().cri!.lastError!, /UNAVAILABLE|BACKOFF/);
    assert.match(enricher.status().lastError!, /^cri: /);
    assert.equal(enricher.enrich({ containerId: done.containers[0]!.id }).container?.name, "run", "the last snapshot still answers");
    assert.deepEqual(enricher.status().sources, ["cri", "path"]);
  });

  it("a CRI-O runtime names the runtime of cgroupfs paths, which do not", async () => {
    const { rt, make } = await setup({}, "cri-o");
    const p = rt.addPod({ name: "api", namespace: "shop", containers: [{ name: "api" }] });
    const enricher = make();
    await enricher.start();
    assert.deepEqual(enricher.enrich({ cgroupPath: `/kubepods/pod${p.uid}/${p.containers[0]!.id}` }).container, {
      id: p.containers[0]!.id,
      name: "api",
      runtime: "cri-o",
    });
    assert.equal(enricher.status().cri?.runtime, "cri-o");
  });

  it("with both sources: the API names the pod, the runtime fills in a container the API does not show yet", async () => {
    const sim = await KubeSim.start();
    cleanup.push(() => sim.stop());
    sim.load([
      { apiVersion: "v1", kind: "Node", metadata: { name: "worker-1" }, status: { capacity: { cpu: "4", memory: "16Gi", pods: "110" } } },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web", namespace: "default" },
        spec: { nodeName: "worker-1", containers: [{ name: "app", image: "nginx:1.27" }] },
      },
    ]);
    const apiPod = sim.get("Pod", "web", "default") as unknown as V1Pod;
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    const { rt, make } = await setup({ kubeConfig: kc });
    // The runtime already runs a debug container the kubelet has not reported yet.
    const runtimePod = rt.addPod({ name: "web", namespace: "default", uid: apiPod.metadata!.uid!, containers: [{ name: "debugger" }] });
    const enricher = make();
    const status = await enricher.start();
    assert.deepEqual(status.sources, ["kubernetes", "cri", "path"]);
    const debugId = runtimePod.containers[0]!.id;
    const e = enricher.enrich({ cgroupPath: `/kubepods/besteffort/pod${apiPod.metadata!.uid!}/${debugId}` });
    assert.deepEqual(e, {
      cgroup: `/kubepods/besteffort/pod${apiPod.metadata!.uid!}/${debugId}`,
      qos: "BestEffort",
      pod: { uid: apiPod.metadata!.uid!, namespace: "default", name: "web" },
      container: { id: debugId, name: "debugger", runtime: "containerd" },
      source: "kubernetes",
    });
  });
});
