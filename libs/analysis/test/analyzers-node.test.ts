// Node analyzers against node-not-ready, disk-pressure-evictions, memory-pressure and noisy-neighbour; custom
// conditions of both polarities patched onto live nodes; and the healthy scenario, where no analyzer of the
// network, storage, node, autoscaling or budget areas may find anything.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { UsageCache, type KindName } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import type { AnalyzerFinding } from "../src/run-analyzers.js";
import type { UsageView } from "../src/usage-view.js";
import { analysisContextFor, findingsFor, type AnalysisHarness } from "./analysis-helpers.js";

/** One poll of metrics.k8s.io and the kubelets' stats, kept as a snapshot. */
async function usageNow(h: AnalysisHarness): Promise<UsageView> {
  const usage = new UsageCache({ client: h.cache.client, nodes: () => h.cache.store("Node").list() });
  await usage.start();
  await usage.stop();
  return usage;
}

function nodeFindings(h: AnalysisHarness, usage?: UsageView): AnalyzerFinding[] {
  const ctx = h.ctx(usage ? { usage } : {});
  return h.cache
    .store("Node")
    .list()
    .flatMap((n) => findingsFor(n, ctx).filter((f) => f.code.startsWith("NODE_")));
}

const describeFindings = (fs: AnalyzerFinding[]): string =>
  fs.map((f) => `${f.code} ${f.resource.namespace ?? ""}/${f.resource.name}: ${f.summary}`).join("\n");

async function scenario(name: string): Promise<{ sim: KubeSim; h: AnalysisHarness }> {
  const sim = await KubeSim.start({ scenario: name, clock: "virtual" });
  return { sim, h: await analysisContextFor(sim) };
}

/** Node conditions are status: written through the status subresource, as node-problem-detector does. */
async function patchNodeStatus(sim: KubeSim, node: string, conditions: object[]): Promise<void> {
  const res = await fetch(`${sim.url}/api/v1/nodes/${node}/status`, {
    method: "PATCH",
    headers: { "content-type": "application/strategic-merge-patch+json" },
    body: JSON.stringify({ status: { conditions } }),
  });
  assert.equal(res.status, 200, await res.text());
}

const condition = (type: string, status: string, reason: string) => ({
  type,
  status,
  reason,
  message: `${type} is ${status}`,
  lastHeartbeatTime: new Date().toISOString(),
  lastTransitionTime: new Date().toISOString(),
});

describe("node conditions on node-not-ready, and custom conditions", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    ({ sim, h } = await scenario("node-not-ready"));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("Ready=Unknown (kubelet stopped posting): one NODE_NOT_READY, critical, not three Unknown pressures", () => {
    const fs = nodeFindings(h);
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "NODE_NOT_READY");
    assert.equal(f.severity, "critical");
    assert.deepEqual(f.resource, { kind: "Node", name: "worker-2" });
    assert.match(f.summary, /Ready=Unknown/);
    assert.match(f.detail, /Kubelet stopped posting node status/);
    assert.match(f.detail, /node\.kubernetes\.io\/unreachable:NoExecute/);
    assert.deepEqual(f.hypotheses![0]!.actions, ["cordon_node", "drain_node"]);
  });

  test("once its pods are evicted and stuck Terminating, deleting them without force is ruled out", async () => {
    await h.advance("6m");
    const f = nodeFindings(h).find((x) => x.code === "NODE_NOT_READY");
    assert.ok(f);
    assert.match(f.detail, /stuck Terminating/);
    assert.match(f.hypotheses![0]!.statement, /without force will not help/);
  });

  test("positive-polarity conditions True (EKS, k3s EtcdIsVoter) and unknown types: no finding", async () => {
    await patchNodeStatus(sim, "worker-1", [
      condition("ContainerRuntimeReady", "True", "ContainerRuntimeIsReady"),
      condition("StorageReady", "True", "DiskIsReady"),
      condition("NetworkingReady", "True", "NetworkingIsReady"),
      condition("KernelReady", "True", "KernelIsReady"),
      condition("EtcdIsVoter", "True", "MemberNotLearner"),
      condition("VendorMaintenanceWindow", "True", "Scheduled"),
      condition("KernelDeadlock", "False", "KernelHasNoDeadlock"),
    ]);
    await h.advance("20s");
    const conditions = h.cache.get({ kind: "Node", name: "worker-1" })?.status?.conditions?.map((c) => c.type) ?? [];
    assert.ok(conditions.includes("EtcdIsVoter") && conditions.includes("KernelReady"), `custom conditions kept: ${conditions.join(", ")}`);
    assert.deepEqual(
      nodeFindings(h).filter((f) => f.resource.name === "worker-1"),
      [],
    );
  });

  test("problem conditions in their bad state: NODE_CONDITION_FAILING; NetworkUnavailable=True: NODE_NETWORK_UNAVAILABLE", async () => {
    await patchNodeStatus(sim, "worker-3", [
      condition("KernelDeadlock", "True", "DockerHung"),
      condition("KernelReady", "False", "KernelBug"),
      condition("NetworkUnavailable", "True", "NoRouteCreated"),
    ]);
    await h.advance("20s");
    const fs = nodeFindings(h).filter((f) => f.resource.name === "worker-3");
    assert.deepEqual(
      fs.map((f) => f.code).sort(),
      ["NODE_CONDITION_FAILING", "NODE_CONDITION_FAILING", "NODE_NETWORK_UNAVAILABLE"],
      describeFindings(fs),
    );
    assert.ok(fs.some((f) => /KernelDeadlock=True \(DockerHung\)/.test(f.summary)));
    assert.ok(fs.some((f) => /KernelReady=False/.test(f.summary)));
  });
});

describe("node pressure scenarios", () => {
  test("disk-pressure-evictions: NODE_DISK_PRESSURE with the evicted transcoder; deleting Evicted pods ruled out", async () => {
    const { sim, h } = await scenario("disk-pressure-evictions");
    try {
      const fs = nodeFindings(h);
      assert.equal(fs.length, 1, describeFindings(fs));
      const f = fs[0]!;
      assert.equal(f.code, "NODE_DISK_PRESSURE");
      assert.equal(f.severity, "critical");
      assert.ok(
        f.evidence.some((e) => e.kind === "object" && e.ref.kind === "Pod" && /transcoder.*ephemeral-storage/.test(e.summary)),
        JSON.stringify(f.evidence),
      );
      assert.match(f.hypotheses![0]!.statement, /deleting the Evicted pods will not free the disk/);
      assert.ok(!f.hypotheses!.some((hy) => hy.actions?.includes("cleanup_failed_pods")));
    } finally {
      await h.stop();
      await sim.stop();
    }
  });

  test("memory-pressure: NODE_MEMORY_PRESSURE naming pdf-renderer (no limit) as the culprit; cordoning ruled out", async () => {
    const { sim, h } = await scenario("memory-pressure");
    try {
      const fs = nodeFindings(h, await usageNow(h)).filter((f) => f.code === "NODE_MEMORY_PRESSURE");
      assert.ok(fs.length >= 1, describeFindings(nodeFindings(h)));
      const f = fs[0]!;
      assert.match(f.hypotheses![0]!.statement, /Deployment pdf-renderer .*evicted.* no memory limit/);
      assert.match(f.hypotheses![0]!.statement, /cordoning worker-\d will not relieve it/);
      assert.ok(!f.hypotheses!.some((hy) => hy.actions?.includes("cordon_node")));
    } finally {
      await h.stop();
      await sim.stop();
    }
  });

  test("noisy-neighbour: the culprit is the unlimited log-aggregator, not the evicted web pods", async () => {
    const { sim, h } = await scenario("noisy-neighbour");
    try {
      const fs = nodeFindings(h, await usageNow(h));
      const f = fs.find((x) => x.code === "NODE_MEMORY_PRESSURE" && x.resource.name === "ingest-1");
      assert.ok(f, describeFindings(fs));
      assert.match(f.hypotheses![0]!.statement, /DaemonSet log-aggregator/);
      assert.ok(
        f.evidence.some((e) => e.kind === "object" && e.ref.kind === "Pod" && /evicted/.test(e.summary)),
        "the victims are cited as evicted",
      );
      assert.ok(!fs.some((x) => x.resource.name !== "ingest-1" && x.code === "NODE_MEMORY_PRESSURE"), describeFindings(fs));
    } finally {
      await h.stop();
      await sim.stop();
    }
  });
});

describe("healthy scenario", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    ({ sim, h } = await scenario("healthy"));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("no network, storage, node, autoscaling or budget finding at all (with live usage)", async () => {
    const usage = await usageNow(h);
    assert.ok(usage.volume("shop", "data-postgres-0").available, "volume stats are there to judge");
    const ctx = h.ctx({ usage });
    const kinds: KindName[] = [
      "Service",
      "Ingress",
      "NetworkPolicy",
      "PersistentVolumeClaim",
      "PersistentVolume",
      "Node",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
    ];
    const fs = kinds.flatMap((k) => h.cache.store(k).list()).flatMap((o) => findingsFor(o, ctx));
    assert.deepEqual(fs, [], describeFindings(fs));
  });
});
