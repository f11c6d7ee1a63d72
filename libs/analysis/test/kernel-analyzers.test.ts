// Vigil's kernel analyzers on simulated clusters, with kernel events and collector samples attributed to the
// simulator's real pods and nodes (their uids, container ids and node names) and timed by its cluster clock.
// Each fires where it must and stays silent where it must not (healthy, stale, too few, wrong scope).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { KubeSim } from "@vigil/kube-sim";
import type { AnalysisContext } from "../src/analyzer-definition.js";
import { NodeTelemetry } from "../src/telemetry/node-telemetry.js";
import { analysisContextFor, findingsFor, type AnalysisHarness } from "./analysis-helpers.js";
import { GiB, nodeSample, oomKill, swapFaultLatency } from "./telemetry-builders.js";

const MIN = 60_000;
const kernelCodes = (obj: V1Pod | V1Node, ctx: AnalysisContext) =>
  findingsFor(obj, ctx)
    .filter((f) => f.analyzer.startsWith("kernel-") || f.analyzer.startsWith("node-memory") || f.analyzer.startsWith("node-swap"))
    .map((f) => f.code);

describe("kernel analyzers: oom-crashloop", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  let looping: V1Pod;
  let other: V1Pod;

  before(async () => {
    sim = await KubeSim.start({ scenario: "oom-crashloop", clock: "virtual" });
    h = await analysisContextFor(sim);
    const pods = h.cache.store("Pod").list({ namespace: "shop" });
    const oomed = pods.filter((p) => p.status?.containerStatuses?.[0]?.lastState?.terminated?.reason === "OOMKilled");
    assert.ok(oomed.length >= 2, "both replicas were OOMKilled during the warm-up");
    [looping, other] = oomed as [V1Pod, V1Pod];
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  /** The kernel's record of the last OOMKilled termination of the pod's api container, as ebpf-ingest publishes it. */
  const killOf = (pod: V1Pod, scope: "container" | "node" = "container") => {
    const last = pod.status!.containerStatuses![0]!.lastState!.terminated!;
    return oomKill({
      node: pod.spec!.nodeName!,
      at: new Date(last.finishedAt!).getTime(),
      scope,
      pod: { uid: pod.metadata!.uid!, namespace: "shop", name: pod.metadata!.name! },
      container: { id: last.containerID!.replace(/^\w+:\/\//, "") },
      comm: "payments-api",
      pid: 31337,
    });
  };

  it("KERNEL_CONTAINER_OOM on the right container, with the kernel event as evidence", () => {
    const telemetry = new NodeTelemetry();
    telemetry.addKernelEvent(killOf(looping));
    const ctx = h.ctx({ telemetry });
    const findings = findingsFor(looping, ctx).filter((f) => f.analyzer === "kernel-container-oom");
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(f!.code, "KERNEL_CONTAINER_OOM");
    assert.deepEqual(
      f!.resource,
      { kind: "Pod", namespace: "shop", name: looping.metadata!.name, container: "api" },
      "matched by container id",
    );
    assert.match(f!.summary, /256Mi/);
    assert.ok(f!.evidence.some((e) => e.kind === "kernel_event" && e.type === "oom_kill"));
    assert.deepEqual(f!.hypotheses?.[0]?.actions, ["increase_resources"]);
    assert.ok(!kernelCodes(looping, ctx).includes("KERNEL_OOM_UNSEEN_BY_KUBERNETES"), "the container restarted: Kubernetes saw it");
    assert.deepEqual(kernelCodes(other, ctx), [], "the other replica has no kernel event");
  });

  it("is silent for a kill older than the kernel-event window (by cluster time)", () => {
    const telemetry = new NodeTelemetry();
    const stale = killOf(looping);
    stale.observedAt = new Date(h.ctx().now - 2 * 60 * MIN).toISOString();
    telemetry.addKernelEvent(stale);
    assert.deepEqual(kernelCodes(looping, h.ctx({ telemetry })), []);
  });

  it("KERNEL_NODE_OOM on the node for a node-scope kill, and no container finding for it", () => {
    const telemetry = new NodeTelemetry();
    telemetry.addKernelEvent(killOf(looping, "node"));
    const ctx = h.ctx({ telemetry });
    const node = h.cache.get({ kind: "Node", name: looping.spec!.nodeName! }) as V1Node;
    const findings = findingsFor(node, ctx).filter((f) => f.code === "KERNEL_NODE_OOM");
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.severity, "critical");
    assert.match(findings[0]!.summary, new RegExp(`shop/${looping.metadata!.name}`), "names the victim");
    assert.match(findings[0]!.detail, /Raising one pod's limit will not help/);
    assert.deepEqual(kernelCodes(looping, ctx), [], "not a container-limit problem");
    const otherNode = h.cache
      .store("Node")
      .list()
      .find((n) => n.metadata!.name !== node.metadata!.name)!;
    assert.deepEqual(kernelCodes(otherNode, ctx), []);
  });
});

describe("kernel analyzers: healthy", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  let running: V1Pod;
  let nodes: V1Node[];

  before(async () => {
    sim = await KubeSim.start({ scenario: "healthy", clock: "virtual" });
    h = await analysisContextFor(sim);
    running = h.cache
      .store("Pod")
      .list({ namespace: "shop" })
      .find((p) => p.status?.containerStatuses?.[0]?.state?.running)!;
    nodes = h.cache
      .store("Node")
      .list()
      .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  it("no kernel finding on any pod or node without telemetry", () => {
    const ctx = h.ctx({ telemetry: new NodeTelemetry() });
    for (const obj of [...h.cache.store("Pod").list(), ...nodes]) assert.deepEqual(kernelCodes(obj, ctx), [], obj.metadata!.name);
  });

  it("KERNEL_OOM_UNSEEN_BY_KUBERNETES for a kill inside a container that kept running; pending while too recent", () => {
    const now = h.ctx().now;
    const container = running.spec!.containers[0]!.name;
    const kill = (at: number) =>
      oomKill({
        node: running.spec!.nodeName!,
        at,
        scope: "container",
        pod: { uid: running.metadata!.uid! },
        container: { id: "0".repeat(64), name: container },
        comm: "worker",
        pid: 777,
      });
    const telemetry = new NodeTelemetry();
    telemetry.addKernelEvent(kill(now - 2 * MIN));
    const ctx = h.ctx({ telemetry });
    const unseen = findingsFor(running, ctx).filter((f) => f.code === "KERNEL_OOM_UNSEEN_BY_KUBERNETES");
    assert.equal(unseen.length, 1);
    assert.equal(unseen[0]!.resource.container, container);
    assert.match(unseen[0]!.summary, /worker/);
    assert.ok(!kernelCodes(running, ctx).includes("KERNEL_CONTAINER_OOM"));

    const fresh = new NodeTelemetry();
    fresh.addKernelEvent(kill(now - 5_000));
    assert.deepEqual(
      kernelCodes(running, h.ctx({ telemetry: fresh })),
      ["KERNEL_CONTAINER_OOM"],
      "within the grace period: not yet called unseen",
    );
  });

  it("NODE_MEMORY_PSI_HIGH from recent samples above the thresholds only", () => {
    const now = h.ctx().now;
    const [n1, n2, n3] = nodes.map((n) => n.metadata!.name!) as [string, string, string];
    const telemetry = new NodeTelemetry();
    telemetry.addNodeSample(nodeSample({ node: n1, at: now - 10_000, psiSome: [35, 22, 8], psiFull: [9, 6, 2] }));
    telemetry.addNodeSample(nodeSample({ node: n2, at: now - 10_000, psiSome: [2, 1, 0.5] }));
    telemetry.addNodeSample(nodeSample({ node: n3, at: now - 60 * MIN, psiSome: [80, 70, 50] }));
    const ctx = h.ctx({ telemetry });
    const f = findingsFor(nodes[0]!, ctx).filter((x) => x.code === "NODE_MEMORY_PSI_HIGH");
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, "critical", "full avg60 6% ≥ 5%");
    assert.ok(f[0]!.evidence.some((e) => e.kind === "sample" && e.metric === "psi.memory.some.avg60" && e.value === 22));
    assert.deepEqual(kernelCodes(nodes[1]!, ctx), [], "low PSI");
    assert.deepEqual(kernelCodes(nodes[2]!, ctx), [], "high, but an hour old by cluster time");
  });

  it("NODE_SWAP_PRESSURE for rising swap; not for flat or spiky swap", () => {
    const now = h.ctx().now;
    const [n1, n2, n3] = nodes.map((n) => n.metadata!.name!) as [string, string, string];
    const telemetry = new NodeTelemetry();
    for (let i = 0; i <= 14; i++) {
      const at = now - (14 - i) * MIN;
      telemetry.addNodeSample(nodeSample({ node: n1, at, swapTotal: 4 * GiB, swapUsed: 0.2 * GiB + i * 0.1 * GiB }));
      telemetry.addNodeSample(nodeSample({ node: n2, at, swapTotal: 2 * GiB, swapUsed: 0.3 * GiB }));
      telemetry.addNodeSample(nodeSample({ node: n3, at, swapTotal: 2 * GiB, swapUsed: i % 2 ? 0.9 * GiB : 0.1 * GiB }));
    }
    const ctx = h.ctx({ telemetry });
    const f = findingsFor(nodes[0]!, ctx).filter((x) => x.code === "NODE_SWAP_PRESSURE");
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, "warning", "1.6 of 4 GiB used: rising, not yet nearly full");
    assert.match(f[0]!.summary, /rising/);
    assert.deepEqual(kernelCodes(nodes[1]!, ctx), [], "flat");
    assert.deepEqual(kernelCodes(nodes[2]!, ctx), [], "spiky");
  });

  it("NODE_SWAP_STALLS for slow swap-in faults; not for fast ones or a handful", () => {
    const now = h.ctx().now;
    const [n1, n2, n3] = nodes.map((n) => n.metadata!.name!) as [string, string, string];
    const telemetry = new NodeTelemetry();
    for (let i = 0; i < 6; i++) {
      const at = now - (6 - i) * MIN;
      telemetry.addKernelEvent(
        swapFaultLatency({
          node: n1,
          at,
          buckets: [
            [512, 20],
            [8192, 40],
            [65536, 10],
          ],
        }),
      );
      telemetry.addKernelEvent(
        swapFaultLatency({
          node: n2,
          at,
          buckets: [
            [64, 200],
            [128, 50],
          ],
        }),
      );
    }
    telemetry.addKernelEvent(swapFaultLatency({ node: n3, at: now - MIN, buckets: [[65536, 5]] }));
    const ctx = h.ctx({ telemetry });
    const f = findingsFor(nodes[0]!, ctx).filter((x) => x.code === "NODE_SWAP_STALLS");
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, "critical", "p99 in the 64-128 ms bucket");
    assert.match(f[0]!.summary, /420 faults/);
    assert.deepEqual(kernelCodes(nodes[1]!, ctx), [], "fast swap-ins");
    assert.deepEqual(kernelCodes(nodes[2]!, ctx), [], "too few faults to judge");
  });
});
