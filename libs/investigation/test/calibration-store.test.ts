import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Bus } from "@vigil/bus";
import { type AssessmentMessage, kvBuckets, type ProposalMessage } from "@vigil/contracts";
import { assessment, proposal } from "@vigil/contracts/testing";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Logger, pino } from "pino";
import { CalibrationStore } from "../src/index.js";

const silent = pino({ level: "silent" });

function capturingLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "warn" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

const actionProposal = (id: string, confidence: number): ProposalMessage => ({ ...proposal, id, confidence });
const assessed = (proposalId: string, outcome: AssessmentMessage["outcome"], assessedAt = assessment.assessedAt): AssessmentMessage => ({
  ...assessment,
  id: `eff_${proposalId}_${assessedAt}`,
  proposalId,
  outcome,
  score: outcome === "insufficient_data" || outcome === "not_applicable" ? null : outcome === "effective" ? 0.9 : 0.2,
  assessedAt,
});

describe("calibration store (real NATS)", () => {
  let nats: NatsServerHandle;
  const buses: Bus[] = [];
  const stores: CalibrationStore[] = [];

  async function openStore(log: Logger = silent): Promise<CalibrationStore> {
    const bus = await Bus.connect({ servers: nats.url, name: "calibration-test", log: silent, reconnectTimeWaitMs: 200 });
    buses.push(bus);
    const store = new CalibrationStore(await bus.kv(kvBuckets.calibration), log);
    stores.push(store);
    await store.start();
    return store;
  }

  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    for (const s of stores) s.stop();
    await Promise.all(buses.map((b) => b.drain(2000)));
    await nats?.stop();
  });

  test("joins an assessment to its proposal, in KV and in every replica's memory", async () => {
    const writer = await openStore();
    const reader = await openStore();
    assert.equal(writer.loaded, true);
    await writer.recordProposal(actionProposal("prop_join", 0.85));
    await writer.recordAssessment(assessed("prop_join", "effective"));

    const expected = {
      proposalId: "prop_join",
      source: "rules",
      action: "increase_resources",
      confidence: 0.85,
      proposedAt: proposal.proposedAt,
      outcome: "effective",
      assessedAt: assessment.assessedAt,
    };
    assert.deepEqual(
      writer.records().find((r) => r.proposalId === "prop_join"),
      expected,
      "the writer sees its own write at once",
    );
    const seen = await waitFor(() => reader.records().find((r) => r.proposalId === "prop_join" && r.outcome !== undefined), {
      message: "the other replica sees the joined record through the watch",
    });
    assert.deepEqual(seen, expected);
  });

  test("calibrates only action proposals", async () => {
    const store = await openStore();
    const {
      action: _a,
      target: _t,
      parameters: _p,
      risk: _r,
      alternatives: _al,
      ...common
    } = proposal as Extract<ProposalMessage, { kind: "action" }>;
    await store.recordProposal({ ...common, id: "prop_noop", kind: "no_action", reasons: ["nothing to fix"] });
    const kv = await buses[0]!.kv(kvBuckets.calibration);
    assert.equal(await kv.get(kv.key("prop_noop")), undefined);
  });

  test("writes are idempotent: a redelivered proposal keeps its outcome, a repeated or older assessment changes nothing", async () => {
    const store = await openStore();
    const kv = await buses[0]!.kv(kvBuckets.calibration);
    await store.recordProposal(actionProposal("prop_idem", 0.7));
    await store.recordAssessment(assessed("prop_idem", "ineffective", "2026-11-22T06:00:00.000Z"));
    const before = await kv.get(kv.key("prop_idem"));
    await store.recordProposal(actionProposal("prop_idem", 0.7));
    await store.recordAssessment(assessed("prop_idem", "ineffective", "2026-11-22T06:00:00.000Z"));
    await store.recordAssessment(assessed("prop_idem", "effective", "2026-11-22T05:50:00.000Z"));
    assert.deepEqual(await kv.get(kv.key("prop_idem")), before, "same value, same revision");
    assert.equal(before?.value.outcome, "ineffective");

    // A later re-assessment replaces the outcome.
    await store.recordAssessment(assessed("prop_idem", "effective", "2026-11-22T07:00:00.000Z"));
    assert.equal((await kv.get(kv.key("prop_idem")))?.value.outcome, "effective");
  });

  test("ignores and logs an assessment of an unknown proposal", async () => {
    const { log, lines } = capturingLog();
    const store = await openStore(log);
    await store.recordAssessment(assessed("prop_never_seen", "effective"));
    const kv = await buses[0]!.kv(kvBuckets.calibration);
    assert.equal(await kv.get(kv.key("prop_never_seen")), undefined);
    assert.equal(
      store.records().some((r) => r.proposalId === "prop_never_seen"),
      false,
    );
    const line = lines.find((l) => String(l["msg"]).includes("unknown proposal"));
    assert.ok(line, "a warning names the unknown proposal");
    assert.equal(line["proposalId"], "prop_never_seen");
    assert.equal(line["incidentId"], assessment.incidentId);
  });

  test("survives a restart of the store and of NATS: a new store loads every record", async (t) => {
    const first = await openStore();
    await first.recordProposal(actionProposal("prop_restart", 0.9));
    await first.recordAssessment(assessed("prop_restart", "worsened"));
    const before = first.records().sort((a, b) => a.proposalId.localeCompare(b.proposalId));
    first.stop();

    const again = await openStore();
    assert.deepEqual(
      again.records().sort((a, b) => a.proposalId.localeCompare(b.proposalId)),
      before,
    );

    if (!nats.controllable) return t.skip("NATS was not started by this harness, so it cannot be restarted");
    await nats.restart();
    const afterRestart = await waitFor(async () => {
      const store = await openStore();
      return store.records().length === before.length ? store : undefined;
    });
    assert.equal(afterRestart.records().find((r) => r.proposalId === "prop_restart")?.outcome, "worsened");
  });
});
