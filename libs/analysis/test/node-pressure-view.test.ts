// The /nodes/{node}/pressure view on the healthy scenario's nodes, with collector samples and kernel events timed
// by the simulator's cluster clock: PSI, MemAvailable, the swap trend (rising / spiky / flat, no swap), swap stall
// percentiles, OOM kills by scope with victims, the judgement; not_found and unavailable (none, or stale).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { nodePressure } from "@vigil/contracts";
import { KubeSim } from "@vigil/kube-sim";
import { NodeTelemetry } from "../src/telemetry/node-telemetry.js";
import { nodePressureView } from "../src/views/node-pressure.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";
import { GiB, nodeSample, oomKill, swapFaultLatency } from "./telemetry-builders.js";

const MIN = 60_000;

describe("nodePressureView", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  let telemetry: NodeTelemetry;
  let now: number;

  before(async () => {
    sim = await KubeSim.start({ scenario: "healthy", clock: "virtual" });
    h = await analysisContextFor(sim);
    now = h.ctx().now;
    telemetry = new NodeTelemetry({ nodeSampleSpacingMs: 0 });
    for (let i = 0; i <= 14; i++) {
      const at = now - (14 - i) * MIN;
      telemetry.addNodeSample(
        nodeSample({
          node: "worker-1",
          at,
          memTotal: 16 * GiB,
          memAvailable: 1.28 * GiB,
          swapTotal: 4 * GiB,
          swapUsed: 0.5 * GiB + i * 0.1 * GiB,
          psiSome: [14, 12, 6],
          psiFull: [1, 0.5, 0.2],
        }),
      );
      telemetry.addNodeSample(
        nodeSample({
          node: "worker-2",
          at,
          memAvailable: 8 * GiB,
          swapTotal: 4 * GiB,
          swapUsed: i % 3 === 0 ? 1 * GiB : 0.2 * GiB,
          psiSome: [0.5, 0.2, 0.1],
        }),
      );
      telemetry.addNodeSample(nodeSample({ node: "no-swap", at, psiSome: [0, 0, 0] }));
    }
    telemetry.addNodeSample(nodeSample({ node: "worker-3", at: now - 120 * MIN }));
    const pod = { uid: "u-web", namespace: "shop", name: "web-1" };
    telemetry.addKernelEvent(
      oomKill({
        node: "worker-1",
        at: now - 30 * MIN,
        scope: "container",
        pod,
        container: { id: "c1", name: "web" },
        comm: "nginx",
        anonRssKb: 100 * 1024,
      }),
    );
    telemetry.addKernelEvent(
      oomKill({ node: "worker-1", at: now - 20 * MIN, scope: "container", pod, container: { id: "c1", name: "web" }, comm: "nginx" }),
    );
    telemetry.addKernelEvent(oomKill({ node: "worker-1", at: now - 10 * MIN, scope: "node", comm: "java", pid: 999 }));
    telemetry.addKernelEvent(oomKill({ node: "worker-1", at: now - 3 * 60 * MIN, scope: "node", comm: "too-old" }));
    for (let i = 0; i < 6; i++) {
      telemetry.addKernelEvent(
        swapFaultLatency({
          node: "worker-1",
          at: now - (6 - i) * MIN,
          buckets: [
            [512, 20],
            [8192, 40],
            [65536, 10],
          ],
          intervalS: 5,
        }),
      );
    }
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  const view = (node: string) => nodePressureView(h.ctx({ telemetry }), node);
  const ok = (node: string) => {
    const r = view(node);
    assert.equal(r.kind, "ok", JSON.stringify(r));
    return nodePressure.parse((r as { data: unknown }).data);
  };

  it("reports PSI, MemAvailable, rising swap, swap stalls and OOM kills by scope, judged critical", () => {
    const p = ok("worker-1");
    assert.equal(p.nodeName, "worker-1");
    assert.equal(p.sample.samplesInWindow, 15);
    // The cluster clock follows wall time between the API server's answers: a loaded machine adds a second or two.
    assert.ok(p.sample.ageSeconds >= 0 && p.sample.ageSeconds < 30, `age ${p.sample.ageSeconds}`);
    assert.deepEqual(p.psi?.some, { avg10: 14, avg60: 12, avg300: 6 });
    assert.equal(p.memory.availablePercent, 8);
    assert.equal(p.memory.totalBytes, 16 * GiB);
    assert.equal(p.swap.enabled, true);
    assert.equal(p.swap.trend, "rising");
    assert.ok(Math.abs(p.swap.slopeBytesPerMinute - 0.1 * GiB) < 1024, `slope ${p.swap.slopeBytesPerMinute}`);
    assert.equal(p.swap.usedPercent, 47.5, "1.9 of 4 GiB");
    assert.equal(p.swapStalls?.faults, 420);
    assert.equal(p.swapStalls?.faultsPerSecond, 14, "420 faults over 6 × 5 s");
    assert.deepEqual(p.swapStalls?.modeBucket, { startUs: 8192, endUs: 16383, count: 240 });
    assert.ok(p.swapStalls.p50Us >= 8192 && p.swapStalls.p50Us <= 16383, `p50 ${p.swapStalls.p50Us}`);
    assert.ok(p.swapStalls.p99Us >= 65536 && p.swapStalls.p99Us <= 131071, `p99 ${p.swapStalls.p99Us}`);
    assert.deepEqual(
      { container: p.oomKills.container, node: p.oomKills.node, unknownScope: p.oomKills.unknownScope },
      { container: 2, node: 1, unknownScope: 0 },
      "the 3-hour-old kill is outside the hour",
    );
    assert.deepEqual(
      p.oomKills.victims.map((v) => [v.scope, v.comm, v.pod ?? null]),
      [
        ["node", "java", null],
        ["container", "nginx", "web-1"],
        ["container", "nginx", "web-1"],
      ],
      "newest first",
    );
    assert.equal(p.oomKills.victims[2]!.rssBytes, 100 * 1024 * 1024);
    assert.equal(p.pressure, "critical");
    assert.ok(p.reasons.some((r) => /node-wide OOM/.test(r)));
    assert.ok(p.reasons.some((r) => /PSI memory some avg60 12%/.test(r)));
    assert.ok(p.reasons.some((r) => /MemAvailable 8%/.test(r)));
    assert.ok(p.reasons.some((r) => /swap used rising/.test(r)));
    assert.ok(p.reasons.some((r) => /swap-in fault p99/.test(r)));
  });

  it("calls swap that jumps up and down spiky, and a quiet node no pressure", () => {
    const p = ok("worker-2");
    assert.equal(p.swap.trend, "spiky");
    assert.equal(p.pressure, "none");
    assert.deepEqual(p.reasons, []);
    assert.equal(p.swapStalls, undefined);
    assert.deepEqual(p.oomKills, { container: 0, node: 0, unknownScope: 0, victims: [] });
  });

  it("a node without swap: disabled and flat", () => {
    const p = ok("no-swap");
    assert.equal(p.swap.enabled, false);
    assert.equal(p.swap.trend, "flat");
    assert.equal(p.swap.usedBytes, 0);
  });

  it("unavailable, saying what to check, when the node has no sample in the window (none, or only stale ones)", () => {
    const none = nodePressureView(h.ctx({ telemetry: new NodeTelemetry() }), "worker-3");
    assert.equal(none.kind, "unavailable");
    assert.match((none as { reason: string }).reason, /no collector sample of node worker-3 in the last 15m/);
    assert.match((none as { reason: string }).reason, /vigil-collector/);
    const stale = view("worker-3");
    assert.equal(stale.kind, "unavailable");
    assert.match((stale as { reason: string }).reason, /newest collector sample of node worker-3 is from .*2h before cluster time/);
  });

  it("not_found for a node neither the cluster nor the telemetry knows", () => {
    assert.deepEqual(view("ghost"), { kind: "not_found" });
    assert.equal(view("no-swap").kind, "ok", "telemetry alone is enough (a node already deleted from the cluster)");
  });
});
