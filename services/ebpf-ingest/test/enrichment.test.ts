// Events placed on their pod and container by name, through the Kubernetes API (the simulator), as on a cluster.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { KubeSim, type Pod } from "@vigil/kube-sim";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Ingest, natsClient, post, startIngest, storedEvents } from "./helpers.js";

describe("ebpf-ingest: pod and container names from the Kubernetes API", () => {
  let nats: NatsServerHandle;
  let sim: KubeSim;
  let ingest: Ingest;
  let dir: string;

  before(async () => {
    nats = await startNats();
    sim = await KubeSim.start();
    sim.load([
      { apiVersion: "v1", kind: "Node", metadata: { name: "node-a" } },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "cart-1", namespace: "shop" },
        spec: { nodeName: "node-a", containers: [{ name: "app", image: "shop/cart:1.0", resources: { limits: { memory: "256Mi" } } }] },
      },
    ]);
    await sim.advance("30s");
    dir = await mkdtemp(join(tmpdir(), "ingest-kube-"));
    await sim.writeKubeconfig(join(dir, "kubeconfig"));
    ingest = await startIngest(nats.url, { INGEST_KUBERNETES: "true", KUBECONFIG: join(dir, "kubeconfig") });
  });
  after(async () => {
    await ingest?.shutdown();
    await sim?.stop();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("names the pod and container of an OOM kill from its cgroup path", async () => {
    const pod = sim.get<Pod>("Pod", "cart-1", "shop")!;
    const uid = pod.metadata.uid!;
    const containerId = pod.status!.containerStatuses![0]!.containerID!.replace("containerd://", "");
    const cgroup = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replaceAll("-", "_")}.slice/cri-containerd-${containerId}.scope`;
    const res = await post(ingest.url, {
      type: "oom_kill",
      victim_pid: 4_000_001,
      victim_comm: "java",
      cgroup_path: cgroup,
      constraint: "memcg",
    });
    assert.equal(res.status, 202);
    const { nc, jsm } = await natsClient(nats.url);
    try {
      const [stored] = await waitFor(async () => {
        const s = await storedEvents(jsm);
        return s.length ? s : undefined;
      });
      assert.deepEqual(stored!.message.pod, { uid, namespace: "shop", name: "cart-1" });
      assert.deepEqual(stored!.message.container, { id: containerId, name: "app", runtime: "containerd" });
      assert.equal(stored!.message.data.scope, "container", "the kernel said a memcg limit was hit");
      assert.equal(stored!.message.data.qos, "Burstable", "a memory limit but no CPU limit");
    } finally {
      await nc.close();
    }
  });

  it("reports where names come from in /readyz", async () => {
    const ready = (await (await fetch(`${ingest.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
    assert.equal(ready.checks.enrichment?.ok, true);
    assert.match(ready.checks.enrichment?.detail ?? "", /kubernetes/);
  });
});
