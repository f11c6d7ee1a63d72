// collect_diagnostics against the oom-crashloop scenario: for a pod, a workload and a node, the bundle holds
// what an engineer gathers first (describe, events, current and previous logs, node pressure; workload status
// and its worst pods; node conditions, taints, requests against allocatable), every call is a recorded read,
// a dry run collects the same, and the bundle stays under its size budget with a note of what was cut.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@vigil/testing";
import { ActionRefusal } from "../src/index.js";
import { fitDiagnostics } from "../src/actions/storage-operators-humans/diagnostics-budget.js";
import type { LogEntry } from "../src/actions/storage-operators-humans/diagnostics-reads.js";
import { type ActionHarness, actionHarness } from "./action-harness.js";

interface Container {
  name: string;
  restartCount: number;
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
  resources: { limits?: Record<string, string> };
}
interface PodDiag {
  describe: { name: string; phase: string; node: string; conditions: Array<{ type: string }>; containers: Container[] };
  events: Array<{ reason?: string; message?: string }>;
  logs: LogEntry[];
  usage: unknown;
  node: { name: string; underPressure: string[]; conditions: Array<{ type: string; status: string }> };
}
interface Bundle {
  target: string;
  pods: PodDiag[];
  notes: string[];
  workload?: {
    kind: string;
    status: Record<string, unknown>;
    conditions: Array<{ type: string }>;
    events: unknown[];
    pods: { total: number; collected: string[] };
  };
  node?: {
    name: string;
    taints: string[];
    allocatable: Record<string, string>;
    requested: { cpuCores: number; memoryBytes: number; pods: number; cpuPercent: number };
    pods: { phases: Record<string, number> };
    conditions: Array<{ type: string }>;
  };
}

const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);

describe("collect_diagnostics", () => {
  let h: ActionHarness;
  let podName: string;
  before(async () => {
    h = await actionHarness({ scenario: "oom-crashloop" });
    podName = await waitFor(() => {
      const pod = h.sim.list("Pod", "shop").find((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) > 0);
      return pod?.metadata.name;
    });
  });
  after(() => h.stop());

  it("a pod: describe, events, current and previous logs, usage and its node's pressure; reads only", async () => {
    const run = await h.run("collect_diagnostics", { kind: "Pod", name: podName, namespace: "shop" }, {});
    assert.equal(run.plan.consequences.readOnly, true);
    const bundle = run.applied.details?.["diagnostics"] as Bundle;
    assert.equal(bundle.target, `Pod/shop/${podName}`);
    const pod = bundle.pods[0]!;
    assert.equal(pod.describe.name, podName);
    const api = pod.describe.containers[0]!;
    assert.ok(api.restartCount > 0);
    assert.equal(api.lastState?.terminated?.reason, "OOMKilled");
    assert.equal(api.resources.limits?.["memory"], "256Mi");
    assert.ok(
      pod.events.some((e) => e.reason === "BackOff" || e.reason === "Started"),
      JSON.stringify(pod.events),
    );
    const previous = pod.logs.find((l) => l.instance === "previous")!;
    // The crashed instance logged its allocation before the OOM kill.
    assert.match(previous.text ?? previous.unavailable ?? "", /allocating 420Mi for the working set/);
    assert.ok(pod.logs.some((l) => l.instance === "current"));
    assert.equal(pod.node.name, pod.describe.node);
    assert.ok(pod.node.conditions.some((c) => c.type === "MemoryPressure"));
    assert.deepEqual(pod.node.underPressure, []);
    assert.equal(run.log.operations.filter((o) => WRITE_VERBS.has(o.verb)).length, 0, "no writes");
    assert.ok(run.log.operations.some((o) => o.resource === "pods/log" && o.status === 200));
    assert.ok(run.log.operations.some((o) => o.resource === "events" && o.verb === "list"));
  });

  it("dry run collects the same (it only reads)", async () => {
    const run = await h.run(
      "collect_diagnostics",
      { kind: "Pod", name: podName, namespace: "shop" },
      { includePrevious: false, logLines: 1 },
      { dryRun: true },
    );
    const pod = (run.applied.details?.["diagnostics"] as Bundle).pods[0]!;
    assert.equal(pod.describe.name, podName);
    assert.ok(pod.logs.every((l) => l.instance === "current"));
    assert.ok((pod.logs[0]?.text ?? "").trim().split("\n").length <= 1);
    assert.equal(run.log.operations.filter((o) => WRITE_VERBS.has(o.verb)).length, 0);
  });

  it("a Deployment: status, conditions and events, and its worst pods (at most 5, noted)", async () => {
    h.sim.patch("Deployment", "payments-api", { spec: { replicas: 7 } }, { namespace: "shop" });
    await waitFor(async () => {
      await h.sim.advance("2s");
      return h.sim.list("Pod", "shop").length >= 7;
    });
    const run = await h.run("collect_diagnostics", { kind: "Deployment", name: "payments-api", namespace: "shop" }, { logLines: 20 });
    const bundle = run.applied.details?.["diagnostics"] as Bundle;
    assert.equal(bundle.workload?.kind, "Deployment");
    assert.ok(bundle.workload.conditions.some((c) => c.type === "Available"));
    assert.equal(bundle.workload.status["replicas"], 7);
    assert.equal(bundle.workload.pods.total, 7);
    assert.equal(bundle.pods.length, 5);
    assert.ok(bundle.notes.includes("pods: collected 5 of 7 (worst first: not ready, then most restarts)"));
    const restarts = bundle.pods.map((p) => p.describe.containers[0]!.restartCount);
    const ready = bundle.pods.map((p) => p.describe.conditions.some((c) => c.type === "Ready"));
    assert.ok(ready.length === 5 && restarts.length === 5);
    // Worst first: the restart counts never go up along the not-ready pods.
    for (let i = 1; i < restarts.length; i++)
      assert.ok(restarts[i - 1]! >= restarts[i]! || ready[i - 1] !== ready[i], `order ${restarts.join(",")}`);
  });

  it("a Node: conditions, taints, allocatable against summed requests, its pods' phases and events", async () => {
    const nodeName = h.sim.list("Node")[0]!.metadata.name!;
    const run = await h.run("collect_diagnostics", { kind: "Node", name: nodeName }, {});
    const node = (run.applied.details?.["diagnostics"] as Bundle).node!;
    assert.equal(node.name, nodeName);
    assert.ok(node.conditions.some((c) => c.type === "Ready"));
    assert.deepEqual(node.allocatable["cpu"] !== undefined, true);
    const pods = h.sim.list("Pod").filter((p) => p.spec?.nodeName === nodeName && !["Succeeded", "Failed"].includes(p.status?.phase));
    assert.equal(node.requested.pods, pods.length);
    assert.ok(node.requested.cpuCores > 0 && node.requested.cpuPercent > 0);
    assert.ok(Object.values(node.pods.phases).reduce((a, b) => a + b, 0) >= pods.length);
    assert.ok(Array.isArray(node.taints));
    assert.equal(run.log.operations.filter((o) => WRITE_VERBS.has(o.verb)).length, 0);
  });

  it("refuses a target that does not exist", async () => {
    await assert.rejects(h.plan("collect_diagnostics", { kind: "Pod", name: "ghost", namespace: "shop" }, {}), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.equal(err.message, "Pod/shop/ghost does not exist: nothing to collect diagnostics from");
      return true;
    });
  });
});

describe("diagnostics size budget", () => {
  const line = (i: number) => `2026-01-01T00:00:00Z line ${i} ${"x".repeat(80)}\n`;
  const log = (pod: string, lines: number): LogEntry => ({
    pod,
    container: "app",
    instance: "current",
    text: Array.from({ length: lines }, (_, i) => line(i)).join(""),
  });

  it("cuts logs first, keeping short ones whole and the newest lines of long ones, and notes every cut", () => {
    const logs = [log("small", 20), log("big", 3000), log("huge", 6000)];
    const events = [Array.from({ length: 40 }, (_, i) => ({ reason: "BackOff", message: `m${i}` }))];
    const notes: string[] = [];
    const bundle = { pods: logs.map((l, i) => ({ logs: [l], events: i === 0 ? events[0] : [] })), notes };
    const smallText = logs[0]!.text;
    fitDiagnostics(bundle, logs, events, notes, 256 * 1024);
    assert.ok(Buffer.byteLength(JSON.stringify(bundle)) <= 256 * 1024);
    assert.equal(logs[0]!.text, smallText, "a short log stays whole");
    assert.match(logs[1]!.text!, /line 2999 x+\n$/, "the newest lines are kept");
    assert.match(logs[1]!.text!, /^2026-01-01T00:00:00Z line \d+ /, "cut at a line start");
    assert.ok(logs[2]!.truncated?.includes("diagnostics budget"));
    assert.equal(notes.length, 2);
    assert.match(notes[0]!, /^logs of (big|huge)\/app \(current\): cut from \d+ to \d+ bytes \(newest lines kept\)/);
    assert.equal(events[0]!.length, 40, "events are kept while logs make room");
  });

  it("leaves a bundle under the budget untouched", () => {
    const logs = [log("a", 10)];
    const notes: string[] = [];
    const bundle = { pods: [{ logs }], notes };
    const before = JSON.stringify(bundle);
    fitDiagnostics(bundle, logs, [], notes);
    assert.equal(JSON.stringify(bundle), before);
  });
});
