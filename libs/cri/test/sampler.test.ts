import assert from "node:assert/strict";
import { after, afterEach, beforeEach, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { podsSampleMessage } from "@vigil/contracts";
import { CriClient, PodSampler } from "../src/index.js";
import { FakeRuntime, type FakePod } from "../src/testing/index.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The message the collector would publish: the sample plus the envelope. */
const asMessage = (sample: object) => podsSampleMessage.parse({ id: "pods_worker-1_1", correlationId: "pods_worker-1_1", ...sample });

describe("PodSampler against a fake containerd over gRPC", () => {
  let rt: FakeRuntime;
  let client: CriClient;
  let sampler: PodSampler;
  let cart: FakePod;

  beforeEach(async () => {
    rt = await FakeRuntime.start();
    client = new CriClient({ endpoint: rt.endpoint, callTimeoutMs: 2_000 });
    sampler = new PodSampler({ client, node: "worker-1", psi: false });
    cart = rt.addPod({
      name: "cart-7d9f8b6c4-x2k9p",
      namespace: "shop",
      labels: { app: "cart" },
      containers: [
        // The first attempt crashed and lingers until kubelet garbage-collects it.
        { name: "app", attempt: 0, state: "exited", image: "ghcr.io/acme/cart:2.4.1" },
        {
          name: "app",
          attempt: 1,
          image: "ghcr.io/acme/cart:2.4.1",
          usage: {
            cpuNs: 12_000_000_000n,
            workingSetBytes: 300 * MiB,
            usageBytes: 420 * MiB,
            rssBytes: 250 * MiB,
            pageFaults: 120_000,
            majorPageFaults: 7,
            writableLayerBytes: 64 * 1024,
            writableLayerInodes: 18,
            swapBytes: 2 * MiB,
            swapAvailableBytes: GiB,
          },
        },
        // CRI-O style: the runtime computes nano-cores itself and gives no counter.
        { name: "envoy", image: "docker.io/envoyproxy/envoy:v1.31.2", usage: { nanoCores: 15_000_000, workingSetBytes: 40 * MiB } },
        { name: "migrate", state: "exited", image: "ghcr.io/acme/cart-migrate:2.4.1" },
      ],
      usage: {
        cpuNs: 20_000_000_000n,
        workingSetBytes: 350 * MiB,
        usageBytes: 480 * MiB,
        processes: 9,
        rxBytes: 5_000_000n,
        txBytes: 2_000_000n,
        rxErrors: 0n,
        txErrors: 0n,
      },
    });
    // Running, but the runtime has no stats for it yet (just started).
    rt.addPod({
      name: "coredns-5d78c9869d-abcde",
      namespace: "kube-system",
      containers: [{ name: "coredns", image: "registry.k8s.io/coredns/coredns:v1.11.1" }],
    });
    // Stopped sandbox: not listed.
    rt.addPod({ name: "old-job-xyz", namespace: "batch", ready: false, containers: [{ name: "job", state: "exited" }] });
  });
  afterEach(async () => {
    client.close();
    await rt.close();
  });

  it("joins sandboxes, containers and stats; CPU from two samples of the cumulative counter", async () => {
    const first = await sampler.sample();
    assert.deepEqual(first.errors, []);
    const firstApp = first.sample.pods.find((p) => p.namespace === "shop")?.containers.find((c) => c.name === "app");
    assert.equal(firstApp?.cpuNanoCores, undefined, "one reading of a counter is no rate");

    rt.advance(10_000);
    const app = cart.containers[1];
    assert.ok(app?.usage && cart.usage);
    app.usage.cpuNs = 14_500_000_000n; // 2.5 s of CPU in 10 s
    app.usage.workingSetBytes = 310 * MiB;
    cart.usage.cpuNs = 23_000_000_000n;
    cart.usage.rxBytes = 6_000_000n;
    cart.usage.txBytes = 2_500_000n;

    const { sample, errors } = await sampler.sample();
    assert.deepEqual(errors, []);
    asMessage(sample);
    assert.equal(sample.node, "worker-1");
    assert.equal(sample.runtime, "containerd v1.7.27");
    assert.deepEqual(
      sample.pods.map((p) => `${p.namespace}/${p.name}`),
      ["kube-system/coredns-5d78c9869d-abcde", "shop/cart-7d9f8b6c4-x2k9p"],
    );
    const [coredns, pod] = sample.pods;
    assert.deepEqual(
      coredns?.containers.map((c) => ({ ...c, id: "-" })),
      [{ name: "coredns", id: "-", state: "running", attempt: 0, image: "registry.k8s.io/coredns/coredns:v1.11.1" }],
    );
    assert.deepEqual(pod, {
      uid: cart.uid,
      name: "cart-7d9f8b6c4-x2k9p",
      namespace: "shop",
      sandboxId: cart.sandboxId,
      cpuNanoCores: 300_000_000,
      cpuUsageSecondsTotal: 23,
      memoryWorkingSetBytes: 350 * MiB,
      memoryUsageBytes: 480 * MiB,
      processes: 9,
      network: {
        ...{ rxBytesRate: 100_000, txBytesRate: 50_000, rxErrorsRate: 0, txErrorsRate: 0 },
        // The runtime's running totals, for exporters (cAdvisor's container_network_*_total).
        ...{ rxBytesTotal: 6_000_000, txBytesTotal: 2_500_000, rxErrorsTotal: 0, txErrorsTotal: 0 },
      },
      containers: [
        {
          name: "app",
          id: app.id,
          state: "running",
          attempt: 1,
          image: "ghcr.io/acme/cart:2.4.1",
          cpuNanoCores: 250_000_000,
          cpuUsageSecondsTotal: 14.5,
          memoryWorkingSetBytes: 310 * MiB,
          memoryUsageBytes: 420 * MiB,
          memoryRssBytes: 250 * MiB,
          pageFaults: 120_000,
          majorPageFaults: 7,
          writableLayerBytes: 64 * 1024,
          writableLayerInodes: 18,
          swapUsageBytes: 2 * MiB,
        },
        {
          name: "envoy",
          id: cart.containers[2]?.id,
          state: "running",
          attempt: 0,
          image: "docker.io/envoyproxy/envoy:v1.31.2",
          cpuNanoCores: 15_000_000,
          memoryWorkingSetBytes: 40 * MiB,
        },
        { name: "migrate", id: cart.containers[3]?.id, state: "exited", attempt: 0, image: "ghcr.io/acme/cart-migrate:2.4.1" },
      ],
    });
    assert.match(app.id, /^[0-9a-f]{64}$/);
  });

  it("records a call failing mid-way, keeps the rest of the sample, and recovers on the next one", async () => {
    rt.fail("ListContainerStats", { code: status.INTERNAL, message: "failed to decode cgroup stats", after: 1, times: 1 });
    const app = cart.containers[1];
    assert.ok(app?.usage);
    await sampler.sample(); // baseline

    rt.advance(10_000);
    app.usage.cpuNs = 13_000_000_000n; // +1 s
    const partial = await sampler.sample();
    assert.deepEqual(partial.errors, [{ call: "ListContainerStats", code: "INTERNAL", message: "failed to decode cgroup stats" }]);
    assert.deepEqual(partial.sample.errors, ["ListContainerStats: INTERNAL: failed to decode cgroup stats"]);
    asMessage(partial.sample);
    const pod = partial.sample.pods.find((p) => p.uid === cart.uid);
    assert.deepEqual(
      pod?.containers.map((c) => [c.name, c.state, c.memoryWorkingSetBytes]),
      [
        ["app", "running", undefined],
        ["envoy", "running", undefined],
        ["migrate", "exited", undefined],
      ],
    );
    assert.equal(pod?.memoryWorkingSetBytes, 350 * MiB, "pod stats still came through");

    rt.advance(10_000);
    app.usage.cpuNs = 16_000_000_000n; // +3 s
    const recovered = await sampler.sample();
    assert.deepEqual(recovered.errors, []);
    const appSample = recovered.sample.pods.find((p) => p.uid === cart.uid)?.containers.find((c) => c.name === "app");
    // The failed sample did not reset the baseline: 4 s of CPU over the 20 s since the last good reading.
    assert.equal(appSample?.cpuNanoCores, 200_000_000);
    assert.equal(rt.calls.ListContainerStats, 3);
  });

  it("returns an empty partial sample when the sandboxes cannot be listed", async () => {
    rt.fail("ListPodSandbox", { code: status.UNKNOWN, message: "server is not initialized yet", times: 1 });
    const failed = await sampler.sample();
    assert.deepEqual(failed.sample.pods, []);
    assert.deepEqual(
      failed.errors.map((e) => `${e.call} ${e.code}`),
      ["ListPodSandbox UNKNOWN"],
    );
    asMessage(failed.sample);
    const next = await sampler.sample();
    assert.equal(next.sample.pods.length, 2);
    assert.deepEqual(next.errors, []);
  });

  it("lists running containers from their stats when ListContainers fails", async () => {
    rt.fail("ListContainers", { code: status.INTERNAL, times: 1 });
    const { sample, errors } = await sampler.sample();
    assert.deepEqual(
      errors.map((e) => e.call),
      ["ListContainers"],
    );
    const pod = sample.pods.find((p) => p.uid === cart.uid);
    assert.deepEqual(
      pod?.containers.map((c) => [c.name, c.state, c.attempt, c.memoryWorkingSetBytes]),
      [
        ["app", "running", 1, 300 * MiB],
        ["envoy", "running", 0, 40 * MiB],
      ],
    );
    asMessage(sample);
  });

  it("starts a restarted container (new id, next attempt) without a rate", async () => {
    await sampler.sample();
    rt.advance(10_000);
    const app = cart.containers[1];
    assert.ok(app?.usage);
    app.state = "exited";
    cart.containers.push({
      id: "f".repeat(64),
      name: "app",
      attempt: 2,
      state: "running",
      image: app.image,
      createdAtNs: rt.nowNs,
      usage: { cpuNs: 100_000_000n },
    });
    const { sample } = await sampler.sample();
    const restarted = sample.pods.find((p) => p.uid === cart.uid)?.containers.find((c) => c.name === "app");
    assert.deepEqual(
      [restarted?.id, restarted?.attempt, restarted?.cpuNanoCores, restarted?.cpuUsageSecondsTotal],
      ["f".repeat(64), 2, undefined, 0.1],
    );
  });

  it("joins concurrent callers into one sample", async () => {
    const [a, b] = await Promise.all([sampler.sample(), sampler.sample()]);
    assert.equal(a, b);
    assert.equal(rt.calls.ListPodSandbox, 1);
  });
});

describe("PodSampler against a runtime without ListPodSandboxStats", () => {
  let rt: FakeRuntime;
  let client: CriClient;
  after(async () => {
    client?.close();
    await rt?.close();
  });

  it("falls back to container stats only and stops asking after UNIMPLEMENTED", async () => {
    rt = await FakeRuntime.start({ podSandboxStats: false, version: { runtime_name: "cri-o", runtime_version: "1.29.1" } });
    client = new CriClient({ endpoint: rt.endpoint });
    const sampler = new PodSampler({ client, node: "worker-2", psi: false });
    const pod = rt.addPod({
      name: "web-0",
      namespace: "web",
      containers: [{ name: "nginx", usage: { cpuNs: 1_000_000_000n, workingSetBytes: 20 * MiB } }],
      usage: { cpuNs: 1n },
    });

    const first = await sampler.sample();
    rt.advance(5_000);
    const nginx = pod.containers[0];
    assert.ok(nginx?.usage);
    nginx.usage.cpuNs = 1_500_000_000n;
    const second = await sampler.sample();

    for (const r of [first, second]) assert.deepEqual(r.errors, [], "UNIMPLEMENTED is not an error");
    assert.equal(rt.calls.ListPodSandboxStats, 1);
    assert.equal(client.podSandboxStatsSupported, false);
    assert.equal(second.sample.runtime, "cri-o 1.29.1");
    const [p] = second.sample.pods;
    assert.deepEqual(Object.keys(p ?? {}).sort(), ["containers", "name", "namespace", "sandboxId", "uid"], "no pod-level usage");
    assert.equal(p?.containers[0]?.cpuNanoCores, 100_000_000);
    assert.equal(p?.containers[0]?.memoryWorkingSetBytes, 20 * MiB);
    asMessage(second.sample);
  });
});
