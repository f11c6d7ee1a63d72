// The pure parts of a verdict: which executions are judged later and which at once, how components combine into
// an outcome (and when there is no number at all), and how the aggregates and the autonomy ledger fold outcomes,
// idempotently.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type AutonomyValue, effectivenessAggregateValue, autonomyValue } from "@vigil/contracts";
import { foldAggregate } from "../src/aggregates.js";
import { foldAutonomy } from "../src/autonomy-ledger.js";
import { dispositionOf } from "../src/immediate.js";
import { combine, type NamedResult } from "../src/scoring.js";

const part = (name: NamedResult["name"], weight: number, value: number | null, extra: Partial<NamedResult> = {}): NamedResult => ({
  name,
  weight,
  value,
  explanation: `${name} said so`,
  ...extra,
});

describe("dispositionOf: judged later, at once, or not yet", () => {
  const e = (status: string, action = "restart_pod", dryRun = false) => dispositionOf({ status, action, dryRun, reason: "why" } as never);
  test("a live success waits for its window; one that cannot remedy anything does not", () => {
    assert.equal(e("succeeded").kind, "schedule");
    const notify = e("succeeded", "notify_only");
    assert.equal(notify.kind === "immediate" && notify.method, "immediate-no-remedy");
    assert.equal(notify.kind === "immediate" && notify.aggregate, false);
  });
  test("dry runs, rejections and expiries are not aggregated; failures and reverts are, as setbacks", () => {
    for (const [status, dry] of [
      ["dry_run", true],
      ["succeeded", true],
      ["rejected", false],
      ["expired", false],
    ] as const) {
      const d = e(status, "restart_pod", dry);
      assert.ok(d.kind === "immediate" && !d.aggregate && !d.failure, `${status}: ${JSON.stringify(d)}`);
    }
    for (const status of ["failed", "reverted"]) {
      const d = e(status);
      assert.ok(d.kind === "immediate" && d.aggregate && d.failure, `${status}: ${JSON.stringify(d)}`);
    }
    assert.equal(e("pending_approval").kind, "ignore");
  });
});

describe("combine: the weighted mean of what had data", () => {
  test("weights are spread over the components with data: a missing Alertmanager neither helps nor hurts", () => {
    const v = combine([part("health", 0.35, 1), part("alert", 0.25, null), part("side_effects", 0.1, 0)]);
    assert.equal(v.score, 0.778); // (0.35 × 1 + 0.1 × 0) / 0.45
    assert.equal(v.outcome, "partially_effective");
    assert.equal(v.alertResolved, null);
  });
  test("neither health nor the alert: insufficient data, no number", () => {
    const v = combine([part("health", 0.35, null), part("alert", 0.25, null), part("metrics", 0.15, 1), part("kernel", 0.1, 1)]);
    assert.equal(v.outcome, "insufficient_data");
    assert.equal(v.score, null);
    assert.match(v.notes, /neither the target's health nor its alert/);
  });
  test("a recurrence or drift caps a high score below effective; worse than right after the action is worsened", () => {
    assert.equal(
      combine([part("health", 0.35, 1), part("alert", 0.25, 1, { recurrence: true, alertResolved: true })]).outcome,
      "partially_effective",
    );
    assert.equal(combine([part("health", 0.35, 1), part("drift", 0.05, 1, { drift: true })]).outcome, "partially_effective");
    assert.equal(combine([part("health", 0.35, 0, { worsened: true }), part("alert", 0.25, 0)]).outcome, "worsened");
    assert.equal(combine([part("health", 0.35, 1), part("alert", 0.25, 1, { alertResolved: true })]).outcome, "effective");
  });
});

describe("foldAggregate and foldAutonomy", () => {
  const at = (m: number) => new Date(Date.UTC(2026, 11, 7, 12, m)).toISOString();
  test("the aggregate counts every outcome once, means the scored ones, keeps the newest first", () => {
    let agg = foldAggregate(undefined, { executionId: "e1", action: "restart_pod", outcome: "ineffective", score: 0.2, at: at(1) });
    agg = foldAggregate(agg, { executionId: "e2", action: "restart_pod", outcome: "not_applicable", score: null, at: at(2) })!;
    agg = foldAggregate(agg, { executionId: "e3", action: "restart_pod", outcome: "effective", score: 0.9, at: at(3) })!;
    assert.equal(
      foldAggregate(agg, { executionId: "e3", action: "restart_pod", outcome: "effective", score: 0.9, at: at(3) }),
      undefined,
      "a redelivery",
    );
    effectivenessAggregateValue.parse(agg);
    assert.deepEqual([agg.count, agg.scored, agg.meanScore], [3, 2, 0.55]);
    assert.deepEqual(
      agg.recent.map((r) => r.executionId),
      ["e3", "e2", "e1"],
    );
  });
  test("autonomy: N successes earn it, a redelivery counts once, insufficient data changes nothing, one low score demotes", () => {
    const t = { successes: 2, minScore: 0.8 };
    const ev = (executionId: string, score: number | null, extra: Partial<Parameters<typeof foldAutonomy>[1]> = {}) => ({
      executionId,
      outcome: score === null ? ("insufficient_data" as const) : score >= 0.8 ? ("effective" as const) : ("ineffective" as const),
      score,
      drift: false,
      failure: false,
      at: at(1),
      ...extra,
    });
    let v: AutonomyValue | undefined = foldAutonomy(undefined, ev("e1", 0.9), t)!.value;
    assert.equal(foldAutonomy(v, ev("e1", 0.9), t), undefined, "already counted");
    assert.equal(foldAutonomy(v, ev("e2", null), t), undefined, "insufficient data is neither");
    const promoted = foldAutonomy(v, ev("e3", 0.85), t)!;
    assert.deepEqual(promoted.change && [promoted.change.from, promoted.change.to], ["approval_required", "earned"]);
    v = autonomyValue.parse(promoted.value);
    assert.deepEqual([v.state, v.successes, v.meanScore, v.lastChange?.executionId], ["earned", 2, 0.875, "e3"]);
    const demoted = foldAutonomy(v, ev("e4", 0.6), t)!;
    assert.equal(demoted.change?.to, "approval_required");
    assert.match(demoted.change.reason, /score 0.60 \(ineffective\) for execution e4, below 0.8/);
    assert.deepEqual([demoted.value.successes, demoted.value.meanScore], [0, null]);
    for (const setback of [ev("e5", 0.95, { drift: true }), ev("e6", null, { failure: true, outcome: "not_applicable" })]) {
      const again = foldAutonomy(promoted.value, setback, t)!;
      assert.equal(again.change?.to, "approval_required", JSON.stringify(setback));
    }
  });
});
