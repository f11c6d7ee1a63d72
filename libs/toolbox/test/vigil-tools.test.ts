// The Vigil-knowledge tools through runTool, as the model and MCP call them: on a simulated cluster (healthy
// scenario), telemetry windows filled with collector samples and kernel events as the producers send them,
// and the JetStream-backed lookups on a real NATS holding one incident's history.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { NodeTelemetry } from "@vigil/analysis";
import { Bus } from "@vigil/bus";
import { actionNames, kernelEventMessage, nodeSampleMessage, validateActionParameters } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import pino from "pino";
import {
  type BusLookups,
  runTool,
  startBusLookups,
  type ToolContext,
  toolInputJsonSchema,
  toolNamed,
  type ToolResult,
} from "../src/index.js";
import { clusterToolHarness, type ClusterToolHarness } from "./cluster-harness.js";
import { incidentId, newerDiagnosis, provisionPipeline, publishHistory } from "./vigil-fixtures.js";

const log = pino({ level: "silent" });
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const iso = (ms: number) => new Date(ms).toISOString();

let seq = 0;
function nodeSample(
  node: string,
  at: number,
  s: { available: number; swapUsed: number; psiSome: number; swapIo: number; majfault: number },
) {
  const id = `sample_${++seq}`;
  return nodeSampleMessage.parse({
    id,
    correlationId: id,
    node,
    ts: iso(at),
    intervalMs: 1000,
    memory: { MemTotal: 16 * GiB, MemAvailable: s.available, SwapTotal: 4 * GiB, SwapFree: 4 * GiB - s.swapUsed },
    vmstat: { pswpin: s.swapIo, pswpout: s.swapIo * 2, pgmajfault: s.majfault },
    psi: {
      memory: {
        some: { avg10: s.psiSome, avg60: s.psiSome, avg300: s.psiSome / 2 },
        full: { avg10: s.psiSome / 10, avg60: s.psiSome / 10, avg300: 0 },
      },
    },
  });
}

function kernelEvent(node: string, at: number, fields: Record<string, unknown>) {
  const id = `kev_${++seq}`;
  return kernelEventMessage.parse({ id, correlationId: id, node, observedAt: iso(at), source: "bpftrace", ...fields });
}

async function call(ctx: ToolContext, name: string, input: unknown): Promise<ToolResult> {
  const tool = toolNamed(name);
  assert.ok(tool, `tool ${name} is registered`);
  return runTool(tool, ctx, input);
}

/** The data of a successful call, typed loosely: the assertions check its shape. */
async function ok(ctx: ToolContext, name: string, input: unknown): Promise<Record<string, any>> {
  const r = await call(ctx, name, input);
  assert.equal(r.ok, true, r.error);
  assert.deepEqual(r.trimmed, [], "fits the default budget untrimmed");
  return r.data as Record<string, any>;
}

describe("vigil tools", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  let h: ClusterToolHarness;
  let lookups: BusLookups;
  let ctx: ToolContext;
  let node: string;
  let quietNode: string;
  let now: number;
  const telemetry = new NodeTelemetry();

  before(async () => {
    nats = await startNats();
    bus = await Bus.connect({ servers: nats.url, name: "vigil-tools-test", log });
    await provisionPipeline(bus);
    await publishHistory(bus);
    lookups = await startBusLookups({ bus, log, windowMs: 60 * 60_000 });
    await waitFor(
      () => lookups.ready() === true && lookups.actions.forResource({ kind: "Pod", name: "cart-1", namespace: "shop" })[0]?.assessment,
      {
        message: "history read back",
      },
    );
    h = await clusterToolHarness("healthy", { telemetry });
    ctx = {
      ...h.ctx,
      incidents: lookups.incidents,
      diagnoses: lookups.diagnoses,
      actions: lookups.actions,
      effectiveness: lookups.effectiveness,
    };
    const nodes = h.cache
      .store("Node")
      .list()
      .map((n) => n.metadata!.name!)
      .sort();
    assert.ok(nodes.length >= 2, "the scenario has a node with telemetry and one without");
    [node, quietNode] = [nodes[0]!, nodes[1]!];
    now = ctx.analysis().now;

    // 12 minutes of samples every 30 s: available memory falls from 8 GiB to 1 GiB with one dip to 512 MiB,
    // swap used climbs steadily to 2 GiB, PSI and swap I/O grow.
    for (let i = 0; i <= 24; i++) {
      const available = i === 10 ? 512 * MiB : 8 * GiB - (i * 7 * GiB) / 24;
      telemetry.addNodeSample(
        nodeSample(node, now - (24 - i) * 30_000, {
          available,
          swapUsed: (i * 2 * GiB) / 24,
          psiSome: i * 0.6,
          swapIo: i * 10,
          majfault: i,
        }),
      );
    }
    const cartPod = { namespace: "shop", name: "cart-1", uid: "uid-cart-1" };
    telemetry.addKernelEvent(
      kernelEvent(node, now - 5 * 60_000, {
        type: "oom_kill",
        pid: 4242,
        comm: "java",
        cgroup: "/kubepods.slice/kubepods-burstable.slice/cri-containerd-abc.scope",
        pod: cartPod,
        container: { id: "abc", name: "app", runtime: "containerd" },
        data: { scope: "container", scopeReason: "memcg limit 256Mi hit (memory.max)", anonRssKb: 262_144 },
      }),
    );
    telemetry.addKernelEvent(
      kernelEvent(node, now - 3 * 60_000, {
        type: "swap_fault_latency",
        data: {
          latencyDistributionUs: [
            { rangeStartUs: 512, rangeEndUs: 1023, count: 90 },
            { rangeStartUs: 8192, rangeEndUs: 16383, count: 10 },
          ],
          intervalS: 5,
        },
      }),
    );
    telemetry.addKernelEvent(
      kernelEvent(node, now - 2 * 60_000, {
        type: "oom_kill",
        pid: 77,
        comm: "postgres",
        data: { scope: "node", scopeReason: "global OOM" },
      }),
    );
    telemetry.addKernelEvent(kernelEvent(node, now - 60_000, { type: "memory_pressure", data: { level: "critical" } }));
  });

  after(async () => {
    await lookups?.stop();
    await h?.stop();
    await bus?.drain(2000);
    await nats?.stop();
  });

  test("every Vigil tool is registered with a described input schema", () => {
    for (const name of ["incident_context", "node_memory_trend", "kernel_events", "action_history", "action_catalog"]) {
      const tool = toolNamed(name);
      assert.ok(tool, name);
      const schema = toolInputJsonSchema(tool) as { properties: Record<string, { description?: string }> };
      for (const [field, s] of Object.entries(schema.properties)) assert.ok(s.description, `${name}.${field} is described`);
    }
  });

  test("incident_context: the incident and its latest diagnosis", async () => {
    const data = await ok(ctx, "incident_context", { incidentId });
    assert.equal(data.incident.owner.name, "cart");
    assert.equal(data.incident.status, "open");
    assert.deepEqual(
      data.incident.alerts.map((a: { alertname: string }) => a.alertname),
      ["KubePodCrashLooping"],
    );
    assert.equal(data.latestDiagnosis.diagnosisId, newerDiagnosis.id);
    assert.equal(data.latestDiagnosis.summary, newerDiagnosis.summary);
    assert.deepEqual(
      data.latestDiagnosis.findings.map((f: { code: string }) => f.code),
      ["POD_OOM_KILLED", "KERNEL_CONTAINER_OOM"],
    );
    assert.equal(data.latestDiagnosis.findings[0].resource.name, "cart-1");
    assert.equal(data.latestDiagnosis.hypotheses[0].status, "supported");
    assert.deepEqual(data.latestDiagnosis.candidateActions, ["increase_resources", "restart_pod"]);
  });

  test("incident_context: an unknown incident is ok:false, saying so", async () => {
    const r = await call(ctx, "incident_context", { incidentId: "inc_nope" });
    assert.equal(r.ok, false);
    assert.match(r.error!, /no incident inc_nope/);
  });

  test("node_memory_trend: a downsampled series that keeps the dip, rising swap, peaks and the judgement", async () => {
    const data = await ok(ctx, "node_memory_trend", { node });
    assert.equal(data.window.samples, 25);
    assert.ok(data.series.length <= 20 && data.series.length >= 10, `${data.series.length} points`);
    assert.equal(Math.min(...data.series.map((p: { availableMiB: number }) => p.availableMiB)), 512, "the dip survives downsampling");
    assert.equal(data.peaks.minAvailableMiB, 512);
    assert.equal(data.latest.memTotalMiB, 16 * 1024);
    assert.equal(data.latest.memAvailableMiB, 1024);
    assert.equal(data.swap.trend, "rising");
    assert.equal(data.swap.usedMiB, 2048);
    assert.equal(data.swap.usedPercent, 50);
    assert.equal(data.peaks.maxSwapOutPagesPerSec, 480);
    assert.equal(data.peaks.maxMajorFaultsPerSec, 24);
    assert.equal(data.latest.psiMemorySome.avg60, 14.4);
    // The node-wide OOM kill (a kernel event) makes it critical; the rising swap and PSI are among the reasons.
    assert.equal(data.pressure, "critical");
    assert.ok(
      data.reasons.some((r: string) => /node-wide OOM kill/.test(r)),
      data.reasons.join("; "),
    );
    assert.ok(
      data.reasons.some((r: string) => /swap used rising/.test(r)),
      data.reasons.join("; "),
    );
  });

  test("node_memory_trend: minutes narrows the window", async () => {
    const data = await ok(ctx, "node_memory_trend", { node, minutes: 2 });
    // 2 minutes of 30-second samples (the cluster clock may have moved on a little since they were added).
    assert.ok(data.window.samples >= 3 && data.window.samples <= 5, `${data.window.samples} samples`);
    assert.ok(Date.parse(data.window.from) >= now - 2 * 60_000);
    assert.equal(data.series.length, data.window.samples, "few samples are not downsampled");
  });

  test("node_memory_trend: no telemetry for a known node, an unknown node, a missing node field", async () => {
    const quiet = await call(ctx, "node_memory_trend", { node: quietNode });
    assert.equal(quiet.ok, false);
    assert.match(quiet.error!, new RegExp(`no telemetry for node ${quietNode} in the last 15m`));
    const ghost = await call(ctx, "node_memory_trend", { node: "ghost-node" });
    assert.equal(ghost.ok, false);
    assert.match(ghost.error!, /unknown node ghost-node/);
    const missing = await call(ctx, "node_memory_trend", {});
    assert.equal(missing.ok, false);
    assert.match(missing.error!, /node/);
  });

  test("kernel_events: newest first, OOM kills with their scope, victim, cgroup and pod; counts by type", async () => {
    const data = await ok(ctx, "kernel_events", { node });
    assert.equal(data.total, 4);
    assert.deepEqual(
      data.events.map((e: { type: string }) => e.type),
      ["memory_pressure", "oom_kill", "swap_fault_latency", "oom_kill"],
    );
    assert.deepEqual(data.byType, { oom_kill: 2, swap_fault_latency: 1, memory_pressure: 1 });
    assert.deepEqual(data.oomKillsByScope, { container: 1, node: 1 });
    const [, nodeWide, swap, container] = data.events;
    assert.equal(nodeWide.scope, "node");
    assert.equal(nodeWide.victim, "postgres (pid 77)");
    assert.equal(container.scope, "container");
    assert.equal(container.victim, "java (pid 4242)");
    assert.equal(container.pod, "shop/cart-1");
    assert.equal(container.container, "app");
    assert.match(container.cgroup, /kubepods-burstable/);
    assert.equal(container.victimRssMiB, 256);
    assert.equal(swap.faults, 100);
    assert.ok(swap.p99Us >= 8192, `p99 ${swap.p99Us}`);
    assert.deepEqual(data.events[0].data, { level: "critical" });
  });

  test("kernel_events: filters by pod, namespace, type and minutes", async () => {
    const byPod = await ok(ctx, "kernel_events", { namespace: "shop", pod: "cart-1" });
    assert.deepEqual(
      byPod.events.map((e: { victim: string }) => e.victim),
      ["java (pid 4242)"],
    );
    const byType = await ok(ctx, "kernel_events", { type: "oom_kill" });
    assert.equal(byType.total, 2);
    const recent = await ok(ctx, "kernel_events", { node, minutes: 4 });
    assert.deepEqual(
      recent.events.map((e: { type: string }) => e.type),
      ["memory_pressure", "oom_kill", "swap_fault_latency"],
    );
    const none = await ok(ctx, "kernel_events", { namespace: "elsewhere" });
    assert.equal(none.total, 0);
    assert.match(none.note, /no kernel event matched in the last 60m/);
    const ghost = await call(ctx, "kernel_events", { node: "ghost-node" });
    assert.equal(ghost.ok, false);
    assert.match(ghost.error!, /unknown node ghost-node/);
  });

  test("action_history: the owner's and the alertname's actions with assessments, and the effectiveness aggregates", async () => {
    const data = await ok(ctx, "action_history", { kind: "Deployment", name: "cart", namespace: "shop", alertname: "KubePodCrashLooping" });
    assert.deepEqual(
      data.actions.map((a: { executionId: string; matchedBy: string[] }) => [a.executionId, a.matchedBy.join("+")]),
      [
        ["exec_4", "alertname"],
        ["exec_3", "resource"],
        ["exec_2", "resource+alertname"],
        ["exec_1", "resource+alertname"],
      ],
    );
    const [, restart, rejected, oom] = data.actions;
    assert.equal(restart.action, "restart_pod");
    assert.equal(restart.target, "Pod/shop/cart-1");
    assert.deepEqual(restart.assessment, {
      outcome: "ineffective",
      score: 0.1,
      assessedAt: restart.assessment.assessedAt,
      alertResolved: true,
      recurrence: false,
    });
    assert.equal(rejected.status, "rejected");
    assert.equal(rejected.assessment, null);
    assert.equal(oom.status, "succeeded");
    assert.match(oom.parameters, /"factor":1.5/);
    assert.equal(oom.assessment.outcome, "effective");
    const aggregates = data.effectiveness.map((e: { scope: string; subject: string; action: string; meanScore: number }) =>
      [e.scope, e.subject, e.action, e.meanScore].join(" "),
    );
    assert.ok(aggregates.includes("owner Deployment/shop/cart restart_pod 0.1"), aggregates.join(", "));
    assert.ok(aggregates.includes("alertname KubePodCrashLooping increase_resources 0.9"), aggregates.join(", "));
    assert.equal(aggregates.length, 2);
  });

  test("action_history: a pod finds its own actions and its owner's aggregates; nothing recorded is said", async () => {
    const data = await ok(ctx, "action_history", { kind: "Pod", name: "cart-1", namespace: "shop" });
    assert.deepEqual(
      data.actions.map((a: { executionId: string }) => a.executionId),
      ["exec_3"],
    );
    assert.equal(data.effectiveness[0].subject, "Deployment/shop/cart");
    assert.deepEqual(data.effectiveness[0].recent, ["ineffective (0.1)"]);
    const none = await ok(ctx, "action_history", { kind: "Deployment", name: "nothing", namespace: "shop" });
    assert.deepEqual(none.actions, []);
    assert.match(none.note, /no action recorded/);
  });

  test("action_catalog: every action in a line, or one in full with its parameter schema and a valid example", async () => {
    const all = await ok(ctx, "action_catalog", {});
    assert.deepEqual(
      all.actions.map((a: string) => a.split(":")[0]),
      [...actionNames],
    );
    const restart = all.actions.find((a: string) => a.startsWith("restart_pod:"));
    assert.match(restart, /^restart_pod: Restart a pod\. risk low; targets Pod; not reversible; no approval by default\. Deletes a pod/);
    assert.match(
      all.actions.find((a: string) => a.startsWith("escalate:")),
      /targets any kind/,
    );
    const r = await call(ctx, "action_catalog", {});
    assert.ok(r.text.length < 7_000, `the list leaves room in the default budget: ${r.text.length} characters`);
    const one = await ok(ctx, "action_catalog", { action: "increase_resources" });
    assert.equal(one.name, "increase_resources");
    assert.equal(one.parameters.type, "object");
    assert.equal(one.parameters.$schema, undefined);
    assert.ok(Object.keys(one.parameters.properties).includes("container"));
    assert.equal(validateActionParameters("increase_resources", one.example).ok, true);
    const unknown = await call(ctx, "action_catalog", { action: "reboot_cluster" });
    assert.equal(unknown.ok, false);
    assert.match(unknown.error!, /unknown action "reboot_cluster"/);
  });
});
