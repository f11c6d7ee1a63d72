// GET /api/v1/calibration on a fixed history: calibration records written to KV `vigil_calibration` before the
// service starts (as earlier proposals and assessments left them), the report's figures computed by hand below.
// Then an assessment published on vigil.effectiveness.assessed joins its proposal and the report follows.
// And GET /api/v1/rules lists what the rules engine loaded, and /mcp serves the tools (behind MCP_TOKEN).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ActionName, calibrationResponse, type CalibrationRecordValue, kvBuckets, topics } from "@vigil/contracts";
import { assessment } from "@vigil/contracts/testing";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import { Bus } from "@vigil/bus";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import pino from "pino";
import { getJson, type Harness, startHarness, waitFor } from "./harness.js";

const t0 = Date.parse("2026-11-20T10:00:00.000Z");
let n = 0;
const record = (
  source: "llm" | "rules",
  action: ActionName,
  confidence: number,
  outcome?: CalibrationRecordValue["outcome"],
): CalibrationRecordValue => {
  n += 1;
  return {
    proposalId: `prop-cal-${n}`,
    source,
    action,
    confidence,
    proposedAt: new Date(t0 + n * 60_000).toISOString(),
    ...(outcome ? { outcome, assessedAt: new Date(t0 + n * 60_000 + 30 * 60_000).toISOString() } : {}),
  };
};

// rules/restart_pod: five scored, one unscored, one pending. Success is 1 for `effective` only.
//   (0.9-1)² + (0.8-0)² + (0.6-1)² + (0.3-0)² + (0.7-0)² = 0.01 + 0.64 + 0.16 + 0.09 + 0.49 = 1.39 → Brier 1.39/5 = 0.278
//   success rate 2/5 = 0.4; mean confidence 3.3/5 = 0.66
// llm/increase_resources: (0.9-1)² + (0.6-0)² = 0.01 + 0.36 = 0.37 → Brier 0.185; success 1/2; mean confidence 0.75
const history: CalibrationRecordValue[] = [
  record("rules", "restart_pod", 0.9, "effective"),
  record("rules", "restart_pod", 0.8, "ineffective"),
  record("rules", "restart_pod", 0.6, "effective"),
  record("rules", "restart_pod", 0.3, "worsened"),
  record("rules", "restart_pod", 0.7, "partially_effective"),
  record("rules", "restart_pod", 0.5, "insufficient_data"),
  record("rules", "restart_pod", 0.95),
  record("llm", "increase_resources", 0.9, "effective"),
  record("llm", "increase_resources", 0.6, "ineffective"),
];
const pending = history[6]!;

const close = (actual: number | null | undefined, expected: number, what: string) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

const MCP_TOKEN = "service-mcp-token-1";

describe("investigator HTTP: calibration, rules and MCP", () => {
  let nats: NatsServerHandle;
  let h: Harness;
  before(async () => {
    nats = await startNats();
    const bus = await Bus.connect({ servers: nats.url, name: "calibration-seed", log: pino({ level: "silent" }) });
    const kv = await bus.kv(kvBuckets.calibration);
    for (const r of history) await kv.put(kvBuckets.calibration.key(r.proposalId), r);
    await bus.drain();
    h = await startHarness(nats.url, { env: { CALIBRATION_MIN_SAMPLES: "3", CALIBRATION_BUCKETS: "10", MCP_TOKEN } });
  });
  after(async () => {
    await h?.stop();
    await nats?.stop();
  });

  it("reports the Brier score, success rate and reliability per source and per action, as computed by hand", async () => {
    const { status, body } = await getJson(`${h.investigator.url}/api/v1/calibration`);
    assert.equal(status, 200);
    const report = calibrationResponse.parse(body.data);
    assert.deepEqual(report.policy, { defaultThreshold: 0.5, targetSuccess: 0.7, minSamples: 3, buckets: 10 });

    const rules = report.sources.find((s) => s.source === "rules")!;
    assert.equal(rules.assessed, 5);
    assert.equal(rules.unscored, 1);
    assert.equal(rules.pending, 1);
    close(rules.brierScore, 0.278, "rules Brier");
    close(rules.successRate, 0.4, "rules success rate");
    close(rules.meanConfidence, 0.66, "rules mean confidence");
    // Reliability: one proposal each in [0.3,0.4) failed, [0.6,0.7) worked, [0.7,0.8) and [0.8,0.9) failed, [0.9,1] worked.
    const bucket = (lo: number) => rules.reliability.find((b) => Math.abs(b.lo - lo) < 1e-9)!;
    assert.equal(rules.reliability.length, 10);
    assert.deepEqual([bucket(0.3).count, bucket(0.3).successes], [1, 0]);
    assert.deepEqual([bucket(0.6).count, bucket(0.6).successes], [1, 1]);
    assert.deepEqual([bucket(0.9).count, bucket(0.9).successes], [1, 1]);
    assert.equal(bucket(0.9).observedSuccessRate, 1);
    assert.equal(bucket(0.1).count, 0);
    assert.equal(bucket(0.1).observedSuccessRate, null);

    const llm = report.sources.find((s) => s.source === "llm")!;
    assert.equal(llm.assessed, 2);
    close(llm.brierScore, 0.185, "llm Brier");
    close(llm.meanConfidence, 0.75, "llm mean confidence");

    const restart = report.actions.find((a) => a.source === "rules" && a.action === "restart_pod")!;
    close(restart.brierScore, 0.278, "rules/restart_pod Brier");
    assert.ok(restart.threshold.basis.length > 0);
    // Two assessed llm proposals are fewer than CALIBRATION_MIN_SAMPLES: the default threshold holds, and says why.
    const increase = report.actions.find((a) => a.source === "llm" && a.action === "increase_resources")!;
    assert.equal(increase.threshold.threshold, 0.5);
  });

  it("an assessment of the pending proposal joins it, and the report follows", async () => {
    await h.bus.publish(topics.effectiveness, {
      ...assessment,
      id: "eff-cal-1",
      proposalId: pending.proposalId,
      action: "restart_pod",
      outcome: "effective",
    });
    // (1.39 + (0.95-1)²) / 6 = 1.3925 / 6
    const rules = await waitFor(
      async () => {
        const report = calibrationResponse.parse((await getJson(`${h.investigator.url}/api/v1/calibration`)).body.data);
        const s = report.sources.find((x) => x.source === "rules")!;
        return s.assessed === 6 ? s : undefined;
      },
      { message: "the assessment recorded" },
    );
    assert.equal(rules.pending, 0);
    close(rules.brierScore, 1.3925 / 6, "rules Brier after the assessment");
    close(rules.successRate, 3 / 6, "rules success rate after the assessment");
  });

  it("GET /api/v1/rules lists the loaded rules, shipped ones marked default; other methods get 405", async () => {
    const { status, body } = await getJson(`${h.investigator.url}/api/v1/rules`);
    assert.equal(status, 200);
    assert.equal(body.data.file, null);
    assert.ok(body.data.count > 5 && body.data.rules.length === body.data.count);
    assert.ok(body.data.rules.every((r: any) => r.source === "default" && typeof r.id === "string"));
    assert.ok(body.data.rules.some((r: any) => r.id === "no-issue"));
    const post = await fetch(`${h.investigator.url}/api/v1/calibration`, { method: "POST" });
    assert.equal(post.status, 405);
  });

  it("serves the investigation tools over MCP at /mcp, behind MCP_TOKEN", async () => {
    const url = new URL(`${h.investigator.url}/mcp`);
    const client = new Client({ name: "investigator-service-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${MCP_TOKEN}` } } }));
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      for (const name of ["describe_pod", "container_logs", "action_catalog"]) assert.ok(names.includes(name), names.join(", "));
    } finally {
      await client.close();
    }
    const anonymous = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(anonymous.status, 401);
  });
});
