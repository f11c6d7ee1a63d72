// Node-pressure scenarios (disk, memory, a noisy neighbour), driven with real kubectl: the kubelet's evictions show
// with their real messages, the fix that works stops them, and a fix that must not work leaves them going.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, KubeSim, Node, Pod } from "../src/index.js";
import type { Kubectl } from "./kubectl-helpers.js";
import { withScenarioKubectl } from "./scenario-helpers.js";

type Pressure = "MemoryPressure" | "DiskPressure";
const TAINT: Record<Pressure, string> = {
  MemoryPressure: "node.kubernetes.io/memory-pressure",
  DiskPressure: "node.kubernetes.io/disk-pressure",
};

const underPressure = (sim: KubeSim, type: Pressure): Node[] =>
  sim.list<Node>("Node").filter((n) => n.status?.conditions?.some((c) => c.type === type && c.status === "True"));
const tainted = (sim: KubeSim, type: Pressure): Node[] =>
  sim.list<Node>("Node").filter((n) => (n.spec?.taints ?? []).some((t: { key: string }) => t.key === TAINT[type]));

/** When an event last happened (virtual ms). */
const eventAt = (e: KubeObject): number =>
  Date.parse((e["lastTimestamp"] as string | undefined) ?? (e["eventTime"] as string | undefined) ?? "");
/** Evicted events recorded at or after `since` (virtual ms). */
const evictions = (sim: KubeSim, since = 0): KubeObject[] => sim.events().filter((e) => e.reason === "Evicted" && eventAt(e) >= since);
const podOf = (e: KubeObject): string => (e["involvedObject"] as { name?: string } | undefined)?.name ?? "";

const assertPressure = (sim: KubeSim, type: Pressure): Node => {
  const nodes = underPressure(sim, type);
  assert.ok(nodes.length >= 1, `a node reports ${type}`);
  assert.ok(
    tainted(sim, type).some((n) => n.metadata.name === nodes[0]!.metadata.name),
    `${nodes[0]!.metadata.name} carries the ${TAINT[type]} taint`,
  );
  return nodes[0]!;
};

const assertNodesHealthy = (sim: KubeSim, type: Pressure): void => {
  assert.deepEqual(
    underPressure(sim, type).map((n) => n.metadata.name),
    [],
    `no node reports ${type}`,
  );
  assert.deepEqual(
    tainted(sim, type).map((n) => n.metadata.name),
    [],
    `no node carries ${TAINT[type]}`,
  );
};

// --- disk-pressure-evictions ---------------------------------------------------------------------------------------

const DISK_EVICTION =
  /^The node was low on resource: ephemeral-storage\. Threshold quantity: 10Gi, available: \d+Ki\. Container transcoder was using \d+Ki, request is 0, has larger consumption of ephemeral-storage\. $/;

const assertDiskSymptom = async (sim: KubeSim, kubectl: Kubectl): Promise<void> => {
  const node = assertPressure(sim, "DiskPressure");
  const evicted = sim.list<Pod>("Pod", "media").filter((p) => p.status?.reason === "Evicted");
  assert.ok(evicted.length >= 1, "the kubelet evicted a pod");
  assert.match(evicted[0]!.status!.message!, DISK_EVICTION);
  assert.match(
    await kubectl("describe", "node", node.metadata.name!),
    /DiskPressure\s+True\s+.*KubeletHasDiskPressure\s+kubelet has disk pressure/,
  );
  assert.match(await kubectl("get", "pods", "-n", "media"), /transcoder-\S+\s+0\/1\s+Error|Evicted/);
};

test("disk-pressure-evictions: a runaway writer fills nodes; scaling it to 0 clears DiskPressure", async (t) => {
  await withScenarioKubectl(t, "disk-pressure-evictions", async (sim, kubectl) => {
    await assertDiskSymptom(sim, kubectl);
    await kubectl("scale", "deployment/transcoder", "-n", "media", "--replicas=0");
    const since = sim.clock.now();
    await sim.advance("7m");
    assertNodesHealthy(sim, "DiskPressure");
    assert.deepEqual(evictions(sim, since).map(podOf), [], "no evictions after the fix");
    assert.equal(sim.get("Deployment", "api", "media")?.status?.availableReplicas, 3);
  });
});

test("disk-pressure-evictions: an ephemeral-storage limit gets the writer evicted alone, before any node fills", async (t) => {
  await withScenarioKubectl(t, "disk-pressure-evictions", async (sim, kubectl) => {
    await kubectl("set", "resources", "deployment/transcoder", "-n", "media", "-c", "transcoder", "--limits=ephemeral-storage=4Gi");
    // The old pod may still be writing while the rollout replaces it.
    await sim.advance("1m");
    const since = sim.clock.now();
    await sim.advance("9m");
    assertNodesHealthy(sim, "DiskPressure");
    const after = evictions(sim, since);
    assert.ok(after.length >= 1, "the writer keeps hitting its own limit");
    for (const e of after) {
      assert.match(podOf(e), /^transcoder-/);
      assert.equal(e.message, "Pod ephemeral local storage usage exceeds the total limit of containers 4Gi. ");
    }
    assert.equal(sim.get("Deployment", "api", "media")?.status?.availableReplicas, 3);
  });
});

test("disk-pressure-evictions: deleting the Evicted pods does not help", async (t) => {
  await withScenarioKubectl(t, "disk-pressure-evictions", async (sim, kubectl) => {
    await kubectl("delete", "pods", "-n", "media", "--field-selector=status.phase=Failed");
    const since = sim.clock.now();
    await sim.advance("12m");
    assert.ok(underPressure(sim, "DiskPressure").length >= 1, "a node fills up again");
    const again = evictions(sim, since);
    assert.ok(again.length >= 1, "and the kubelet evicts again");
    assert.match(String(again[0]!.message), DISK_EVICTION);
  });
});

// --- memory-pressure -----------------------------------------------------------------------------------------------

const MEMORY_EVICTION =
  /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: \d+Ki\. Container renderer was using \d+Ki, request is 512Mi, has larger consumption of memory\. $/;

const memoryEvictions = (sim: KubeSim, since: number): KubeObject[] =>
  evictions(sim, since).filter((e) => /^The node was low on resource: memory\./.test(String(e.message)));

test("memory-pressure: a leak without a limit exhausts nodes; a memory limit confines it to its own cgroup", async (t) => {
  await withScenarioKubectl(t, "memory-pressure", async (sim, kubectl) => {
    const node = assertPressure(sim, "MemoryPressure");
    const evicted = sim.list<Pod>("Pod", "reports").filter((p) => p.status?.reason === "Evicted");
    assert.ok(evicted.length >= 1);
    assert.match(evicted[0]!.status!.message!, MEMORY_EVICTION);
    assert.match(await kubectl("describe", "node", node.metadata.name!), /EvictionThresholdMet\s+.*Attempting to reclaim memory/);

    await kubectl("set", "resources", "deployment/pdf-renderer", "-n", "reports", "-c", "renderer", "--limits=memory=2Gi");
    await sim.advance("1m");
    const since = sim.clock.now();
    await sim.advance("8m");
    assertNodesHealthy(sim, "MemoryPressure");
    assert.deepEqual(memoryEvictions(sim, since).map(podOf), [], "no pressure evictions after the fix");
    const renderer = sim
      .list<Pod>("Pod", "reports")
      .filter((p) => p.metadata.labels?.["app"] === "pdf-renderer" && p.status?.phase === "Running" && !p.metadata.deletionTimestamp);
    assert.equal(renderer.length, 1);
    assert.equal(renderer[0]!.status?.containerStatuses?.[0]?.lastState?.terminated?.reason, "OOMKilled", "the leak now OOMs alone");
    assert.equal(sim.get("Deployment", "web", "reports")?.status?.availableReplicas, 3);
  });
});

test("memory-pressure: cordoning the node under pressure does not help", async (t) => {
  await withScenarioKubectl(t, "memory-pressure", async (sim, kubectl) => {
    const node = assertPressure(sim, "MemoryPressure").metadata.name!;
    await kubectl("cordon", node);
    const since = sim.clock.now();
    await sim.advance("12m");
    const again = memoryEvictions(sim, since);
    assert.ok(again.length >= 1, "the renderer exhausts its next node");
    assert.match(String(again[0]!.message), MEMORY_EVICTION);
    assert.ok(
      underPressure(sim, "MemoryPressure").some((n) => n.metadata.name !== node),
      "another node reports MemoryPressure",
    );
  });
});

// --- noisy-neighbour -----------------------------------------------------------------------------------------------

const neighbourEvictions = (sim: KubeSim, since: number): KubeObject[] =>
  evictions(sim, since).filter((e) => !/^log-aggregator-/.test(podOf(e)));

test("noisy-neighbour: a critical pod's growth evicts its neighbours; a memory limit on it protects them", async (t) => {
  await withScenarioKubectl(t, "noisy-neighbour", async (sim, kubectl) => {
    assert.equal(assertPressure(sim, "MemoryPressure").metadata.name, "ingest-1");
    const victims = neighbourEvictions(sim, 0);
    assert.ok(
      victims.some((e) => /^web-/.test(podOf(e))),
      "web pods were evicted",
    );
    assert.ok(
      victims.some((e) =>
        /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: \d+Ki\. Container web was using 150Mi, request is 64Mi, has larger consumption of memory\. $/.test(
          String(e.message),
        ),
      ),
    );
    assert.deepEqual(
      evictions(sim, 0).filter((e) => /^log-aggregator-/.test(podOf(e))),
      [],
      "the critical aggregator is never evicted",
    );

    await kubectl("set", "resources", "daemonset/log-aggregator", "-n", "logging", "-c", "aggregator", "--limits=memory=1Gi");
    await sim.advance("1m");
    const since = sim.clock.now();
    await sim.advance("8m");
    assertNodesHealthy(sim, "MemoryPressure");
    assert.deepEqual(neighbourEvictions(sim, since).map(podOf), [], "no neighbour is evicted any more");
    const aggregator = sim.list<Pod>("Pod", "logging").filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === "Running");
    assert.equal(aggregator.length, 1);
    assert.equal(aggregator[0]!.status?.containerStatuses?.[0]?.lastState?.terminated?.reason, "OOMKilled", "it OOMs alone");
    const exporters = sim.list<Pod>("Pod", "monitoring").filter((p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp);
    assert.ok(
      exporters.some((p) => p.spec.nodeName === "ingest-1"),
      "node-exporter runs on ingest-1 again",
    );
    assert.equal(sim.get("Deployment", "web", "shop")?.status?.availableReplicas, 6);
  });
});

test("noisy-neighbour: raising the victims' memory limits does not help", async (t) => {
  await withScenarioKubectl(t, "noisy-neighbour", async (sim, kubectl) => {
    await kubectl("set", "resources", "deployment/web", "-n", "shop", "-c", "web", "--limits=memory=1Gi");
    await kubectl("set", "resources", "daemonset/node-exporter", "-n", "monitoring", "-c", "node-exporter", "--limits=memory=256Mi");
    const since = sim.clock.now();
    await sim.advance("8m");
    assert.equal(assertPressure(sim, "MemoryPressure").metadata.name, "ingest-1");
    assert.ok(neighbourEvictions(sim, since).length >= 1, "neighbours on ingest-1 are still evicted");
  });
});
