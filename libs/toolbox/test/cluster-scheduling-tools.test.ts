// scheduling_analysis, namespace_errors and node_utilization on the scenarios where they have something to say:
// a pod Pending for insufficient memory (per node, with the shortfall), and a node whose kubelet stopped.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { runTool, toolNamed, type ToolResult } from "../src/index.js";
import { clusterToolHarness, podNamed, type ClusterToolHarness } from "./cluster-harness.js";

const call = (h: ClusterToolHarness, name: string, input: unknown): Promise<ToolResult> => runTool(toolNamed(name)!, h.ctx, input);

interface Scheduling {
  status: string;
  nodes: Array<{ nodeName: string; fits: boolean; reasons: string[] }>;
  failureSummary: Array<{ category: string; count: number }>;
  possibleActions: string[];
  schedulerVerdict?: { totalNodes?: number };
}
interface NodeRow {
  node: string;
  ready: boolean;
  unschedulable: boolean;
  cpuPercentage?: number;
  usageUnavailable?: string;
}

describe("pending-insufficient-memory", () => {
  let h: ClusterToolHarness;
  let pod: string;
  before(async () => {
    h = await clusterToolHarness("pending-insufficient-memory");
    pod = podNamed(h, "data", "reporting");
  });
  after(() => h.stop());

  test("scheduling_analysis says why no node fits, per node, with the shortfall", async () => {
    const r = await call(h, "scheduling_analysis", { namespace: "data", name: pod });
    assert.equal(r.ok, true, r.error);
    const s = r.data as Scheduling;
    assert.equal(s.status, "Pending");
    assert.equal(s.nodes.length, 3);
    for (const n of s.nodes) {
      assert.equal(n.fits, false);
      assert.match(n.reasons.join("; "), /insufficient memory \(requested: 12Gi, free: 8Gi/);
    }
    assert.deepEqual(
      s.failureSummary.map((f) => [f.category, f.count]),
      [["InsufficientMemory", 3]],
    );
    assert.ok(
      s.possibleActions.some((a) => /memory request/.test(a)),
      s.possibleActions.join("; "),
    );
    assert.equal(s.schedulerVerdict?.totalNodes, 3);
  });

  test("namespace_errors reports the pods pending for resources once they have waited 5 minutes", async () => {
    await h.advance("5m");
    const r = await call(h, "namespace_errors", { namespace: "data" });
    assert.equal(r.ok, true, r.error);
    const e = r.data as { summary: Array<{ issueType: string; count: number }>; problematicPods: Array<{ ownerName: string }> };
    assert.deepEqual(
      e.summary.map((s) => [s.issueType, s.count]),
      [["ResourceConstraints", 2]],
    );
    assert.ok(e.problematicPods.every((p) => p.ownerName === "reporting"));
  });
});

describe("node-not-ready", () => {
  let h: ClusterToolHarness;
  before(async () => {
    h = await clusterToolHarness("node-not-ready");
  });
  after(() => h.stop());

  test("node_utilization lists the NotReady node first, the others with their usage", async () => {
    const r = await call(h, "node_utilization", {});
    assert.equal(r.ok, true, r.error);
    const rows = (r.data as { nodes: NodeRow[] }).nodes;
    assert.deepEqual(
      rows.map((n) => [n.node, n.ready]),
      [
        ["worker-2", false],
        ["worker-1", true],
        ["worker-3", true],
      ],
    );
    for (const n of rows.filter((x) => x.ready)) assert.equal(typeof n.cpuPercentage, "number");
  });

  test("node_utilization of one node gives its conditions, taints, usage and why telemetry is missing", async () => {
    const r = await call(h, "node_utilization", { node: "worker-2" });
    assert.equal(r.ok, true, r.error);
    const n = r.data as {
      ready: boolean;
      taints: string[];
      conditions: Array<{ type: string; status: string }>;
      memoryPressure: { unavailable?: string };
    };
    assert.equal(n.ready, false);
    assert.ok(
      n.taints.some((t) => t.startsWith("node.kubernetes.io/unreachable")),
      n.taints.join(", "),
    );
    assert.equal(n.conditions.find((c) => c.type === "Ready")?.status, "Unknown");
    assert.match(n.memoryPressure.unavailable ?? "", /no collector sample of node worker-2/);
  });

  test("an unknown node gives ok:false listing the nodes", async () => {
    const r = await call(h, "node_utilization", { node: "worker-9" });
    assert.equal(r.ok, false);
    assert.equal(r.error, "node worker-9 not found; nodes: worker-1, worker-2, worker-3");
  });
});
