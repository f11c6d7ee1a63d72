// Per-pod and per-container series (cAdvisor names behind vigil_) from the fake CRI runtime: through the
// running collector's /metrics (container values, labels, absence, removal), and through PodGauges fed by
// the real PodSampler on an injected clock, for the pod-level counters (running totals from CRI and the pod cgroup).
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { CriClient, PodSampler } from "@vigil/cri";
import { FakeRuntime } from "@vigil/cri/testing";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { Registry } from "prom-client";
import { PodGauges } from "../src/pod-gauges.js";
import { type Collector, startCollector } from "./helpers.js";

const MiB = 2 ** 20;

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (label values here carry no escaped quotes). */
function parse(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The series of `name` whose labels are exactly `labels`. */
const find = (all: Series[], name: string, labels: Record<string, string>) =>
  all.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));

describe("collector /metrics: per-container series from the CRI runtime", () => {
  let nats: NatsServerHandle;
  let runtime: FakeRuntime;
  let collector: Collector;
  const scrape = async () => parse(await (await fetch(`${collector.url}/metrics`)).text());

  before(async () => {
    nats = await startNats();
    runtime = await FakeRuntime.start();
    collector = await startCollector(nats.url, {
      COLLECTOR_CRI_ENDPOINT: runtime.endpoint,
      COLLECTOR_POD_SAMPLE_INTERVAL: "500ms",
      COLLECTOR_SAMPLE_INTERVAL: "1s",
    });
  });
  after(async () => {
    await collector?.shutdown();
    await runtime?.close();
    await nats?.stop();
  });

  it("exports each container's figures with namespace, pod, container and image; unreported ones absent", async () => {
    runtime.addPod({
      name: "cart-7d9f-abcde",
      namespace: "shop",
      containers: [
        {
          name: "app",
          image: "registry.example/cart:2.1",
          usage: {
            cpuNs: 5_500_000_000n,
            workingSetBytes: 120 * MiB,
            usageBytes: 150 * MiB,
            rssBytes: 100 * MiB,
            pageFaults: 9000,
            majorPageFaults: 12,
            writableLayerBytes: 4096,
            swapBytes: 0,
          },
        },
        // A runtime that reports only CPU and working set for this one (as containerd does without cgroup stats).
        { name: "proxy", image: "envoy:1.31", usage: { cpuNs: 250_000_000n, workingSetBytes: 30 * MiB } },
      ],
      usage: { workingSetBytes: 200 * MiB, usageBytes: 260 * MiB, processes: 7 },
    });
    const all = await waitFor(
      async () => {
        const s = await scrape();
        return s.some((x) => x.name === "vigil_container_cpu_usage_seconds_total" && x.labels.container === "proxy") ? s : undefined;
      },
      { timeoutMs: 5_000, message: "container series on /metrics" },
    );
    const app = { namespace: "shop", pod: "cart-7d9f-abcde", container: "app", image: "registry.example/cart:2.1" };
    const proxy = { namespace: "shop", pod: "cart-7d9f-abcde", container: "proxy", image: "envoy:1.31" };
    const value = (name: string, labels: Record<string, string>) => find(all, name, labels).map((s) => s.value);

    assert.deepEqual(value("vigil_container_cpu_usage_seconds_total", app), [5.5], "the runtime's running total, in seconds");
    assert.deepEqual(value("vigil_container_memory_working_set_bytes", app), [120 * MiB]);
    assert.deepEqual(value("vigil_container_memory_usage_bytes", app), [150 * MiB]);
    assert.deepEqual(value("vigil_container_memory_rss", app), [100 * MiB]);
    assert.deepEqual(value("vigil_container_memory_swap", app), [0], "a reported 0 is exported");
    assert.deepEqual(value("vigil_container_memory_failures_total", { ...app, failure_type: "pgfault", scope: "container" }), [9000]);
    assert.deepEqual(value("vigil_container_memory_failures_total", { ...app, failure_type: "pgmajfault", scope: "container" }), [12]);
    assert.deepEqual(value("vigil_container_fs_usage_bytes", app), [4096]);

    assert.deepEqual(value("vigil_container_cpu_usage_seconds_total", proxy), [0.25]);
    assert.deepEqual(value("vigil_container_memory_working_set_bytes", proxy), [30 * MiB]);
    for (const name of ["vigil_container_memory_rss", "vigil_container_memory_usage_bytes", "vigil_container_fs_usage_bytes"])
      assert.deepEqual(value(name, proxy), [], `${name} is absent where the runtime does not report it`);
    assert.equal(all.filter((s) => s.name === "vigil_container_memory_failures_total" && s.labels.container === "proxy").length, 0);

    // The pod cgroup: no container label, as cAdvisor's pod-level series.
    const pod = { namespace: "shop", pod: "cart-7d9f-abcde" };
    assert.deepEqual(value("vigil_container_memory_working_set_bytes", pod), [200 * MiB]);
    assert.deepEqual(value("vigil_container_memory_usage_bytes", pod), [260 * MiB]);
    assert.deepEqual(value("vigil_container_processes", pod), [7]);
    assert.equal(all.filter((s) => s.name.startsWith("vigil_container_network_")).length, 0, "no network figures, no network series");

    const types = await (await fetch(`${collector.url}/metrics`)).text();
    assert.match(types, /^# TYPE vigil_container_cpu_usage_seconds_total counter$/m);
    assert.match(types, /^# TYPE vigil_container_memory_working_set_bytes gauge$/m);
  });

  it("follows the runtime's counters and removes the series of a container, then a pod, that went away", async () => {
    const pod = runtime.pods.find((p) => p.name === "cart-7d9f-abcde")!;
    const app = pod.containers.find((c) => c.name === "app")!;
    app.usage = { ...app.usage, cpuNs: 8_000_000_000n };
    await waitFor(
      async () =>
        (await scrape()).some((s) => s.name === "vigil_container_cpu_usage_seconds_total" && s.labels.container === "app" && s.value === 8),
      { timeoutMs: 5_000, message: "the new running total" },
    );

    pod.containers = pod.containers.filter((c) => c.name !== "proxy");
    const withoutProxy = await waitFor(
      async () => {
        const s = await scrape();
        return s.some((x) => x.labels.container === "proxy") ? undefined : s;
      },
      { timeoutMs: 5_000, message: "the proxy container's series gone" },
    );
    assert.ok(
      withoutProxy.some((s) => s.labels.container === "app"),
      "the other container stays",
    );

    runtime.removePod(pod);
    const none = await waitFor(
      async () => {
        const s = await scrape();
        return s.some((x) => x.labels.pod === "cart-7d9f-abcde") ? undefined : s;
      },
      { timeoutMs: 5_000, message: "the pod's series gone" },
    );
    assert.equal(none.filter((s) => s.name.startsWith("vigil_container_")).length, 0, "no stale series, no zeros");
  });
});

describe("PodGauges: pod cgroup counters are the runtime's and the kernel's running totals", () => {
  let runtime: FakeRuntime;
  let client: CriClient;
  let hostRoot: string;
  const uid = "6f1c0b8e-2d4a-4c1e-9b7a-0d3e5f6a7b8c";
  const pressureFile = () => join(hostRoot, `sys/fs/cgroup/kubepods/burstable/pod${uid}/cpu.pressure`);
  const writePressure = (someUs: number, fullUs: number) =>
    writeFile(
      pressureFile(),
      `some avg10=1.00 avg60=1.00 avg300=1.00 total=${someUs}\nfull avg10=0.50 avg60=0.50 avg300=0.50 total=${fullUs}\n`,
    );

  before(async () => {
    runtime = await FakeRuntime.start();
    client = new CriClient({ endpoint: runtime.endpoint });
    hostRoot = await mkdtemp(join(tmpdir(), "vigil-pod-metrics-"));
    await mkdir(join(hostRoot, `sys/fs/cgroup/kubepods/burstable/pod${uid}`), { recursive: true });
  });
  after(async () => {
    client?.close();
    await runtime?.close();
    await rm(hostRoot, { recursive: true, force: true });
  });

  it("exports pod CPU, network and PSI totals as read, and forgets a removed pod", async () => {
    let nowMs = Date.parse("2026-01-01T00:00:00Z");
    let monoNs = 1_000_000_000n;
    const sampler = new PodSampler({ client, node: "node-a", hostRoot, now: () => nowMs, clock: () => monoNs });
    const registry = new Registry();
    const gauges = new PodGauges(registry);
    const pod = runtime.addPod({
      name: "api-0",
      namespace: "web",
      uid,
      usage: { cpuNs: 10_000_000_000n, rxBytes: 1_000n, txBytes: 500n, rxErrors: 0n, txErrors: 0n, workingSetBytes: 64 * MiB },
    });
    const step = async (ms: number) => {
      nowMs += ms;
      monoNs += BigInt(ms) * 1_000_000n;
      runtime.advance(ms);
      const { sample } = await sampler.sample();
      gauges.update({ ...sample, id: `pods-sample:node-a:${nowMs}`, correlationId: "node:node-a" });
      return parse(await registry.metrics());
    };
    const labels = { namespace: "web", pod: "api-0" };
    const value = (all: Series[], name: string) => find(all, name, labels).map((s) => s.value);

    await writePressure(2_000_000, 400_000);
    // Counters are the runtime's and the kernel's running totals from the first reading on: no rate needed,
    // and a collector restart does not reset them (cAdvisor's values, not this process's sums).
    const first = await step(0);
    assert.deepEqual(value(first, "vigil_container_cpu_usage_seconds_total"), [10]);
    assert.deepEqual(value(first, "vigil_container_network_receive_bytes_total"), [1000]);
    assert.deepEqual(value(first, "vigil_container_network_transmit_bytes_total"), [500]);
    assert.deepEqual(value(first, "vigil_container_network_receive_errors_total"), [0]);
    assert.deepEqual(value(first, "vigil_container_pressure_cpu_waiting_seconds_total"), [2]);
    assert.deepEqual(value(first, "vigil_container_pressure_cpu_stalled_seconds_total"), [0.4]);
    assert.deepEqual(value(first, "vigil_container_pressure_memory_waiting_seconds_total"), [], "no memory.pressure file, no series");
    assert.deepEqual(value(first, "vigil_container_memory_working_set_bytes"), [64 * MiB]);

    // 2 s later: 1 core-second used, 4000 B in, 1000 B out, 0.5 s some and 0.1 s full CPU stall.
    pod.usage = { ...pod.usage, cpuNs: 11_000_000_000n, rxBytes: 5_000n, txBytes: 1_500n };
    await writePressure(2_500_000, 500_000);
    const second = await step(2_000);
    assert.deepEqual(value(second, "vigil_container_cpu_usage_seconds_total"), [11]);
    assert.deepEqual(value(second, "vigil_container_network_receive_bytes_total"), [5000]);
    assert.deepEqual(value(second, "vigil_container_network_transmit_bytes_total"), [1500]);
    assert.deepEqual(value(second, "vigil_container_pressure_cpu_waiting_seconds_total"), [2.5]);
    assert.deepEqual(value(second, "vigil_container_pressure_cpu_stalled_seconds_total"), [0.5]);

    // The runtime failing to list pods: nothing is known about them for that sample, so nothing is exported
    // (absent, not stale); the next answer brings the same running totals back, with no counter reset.
    runtime.fail("ListPodSandbox", { code: status.INTERNAL, message: "stats collector crashed", times: 1 });
    const failed = await step(1_000);
    assert.deepEqual(value(failed, "vigil_container_cpu_usage_seconds_total"), []);
    assert.deepEqual(value(failed, "vigil_container_memory_working_set_bytes"), [], "gauges absent while unknown");
    pod.usage = { ...pod.usage, cpuNs: 13_000_000_000n };
    const back = await step(1_000);
    assert.deepEqual(value(back, "vigil_container_cpu_usage_seconds_total"), [13]);

    runtime.removePod(pod);
    const gone = await step(1_000);
    assert.equal(gone.filter((s) => s.labels.pod === "api-0").length, 0, "every series of the removed pod is gone");
  });
});
