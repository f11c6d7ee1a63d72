import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { calibrationRecordValue, calibrationResponse } from "@vigil/contracts";
import { type CalibrationPolicy, type CalibrationRecord, calibratedThresholds, calibrationReport, thresholdFor } from "../src/index.js";

const policy: CalibrationPolicy = { defaultThreshold: 0.8, targetSuccess: 0.75, minSamples: 3, buckets: 5 };

let n = 0;
function record(confidence: number, outcome?: CalibrationRecord["outcome"], over: Partial<CalibrationRecord> = {}): CalibrationRecord {
  n++;
  return {
    proposalId: `prop_${n}`,
    source: "rules",
    action: "restart_pod",
    confidence,
    proposedAt: "2026-11-22T05:00:00.000Z",
    ...(outcome ? { outcome, assessedAt: "2026-11-22T05:30:00.000Z" } : {}),
    ...over,
  };
}

// rules/restart_pod: six scored, one pending, two unscored.
//   confidence  outcome              observed  (c − o)²
//   0.90        effective            1         0.01
//   0.90        ineffective          0         0.81
//   0.70        effective            1         0.09
//   0.50        worsened             0         0.25
//   0.30        partially_effective  0         0.09
//   0.95        effective            1         0.0025
//   0.60        (pending)            -
//   0.80        insufficient_data    -
//   0.40        not_applicable       -
// Brier = (0.01 + 0.81 + 0.09 + 0.25 + 0.09 + 0.0025) / 6 = 1.2525 / 6 = 0.20875
// success rate = 3 / 6 = 0.5; mean confidence = (0.9 + 0.9 + 0.7 + 0.5 + 0.3 + 0.95) / 6 = 4.25 / 6 = 0.708333…
// Buckets of width 0.2: [0,0.2) empty; [0.2,0.4) {0.3: 0}; [0.4,0.6) {0.5: 0}; [0.6,0.8) {0.7: 1};
//   [0.8,1] {0.9: 1, 0.9: 0, 0.95: 1} → count 3, 2 successes, mean predicted 2.75 / 3 = 0.91666…, observed 2/3.
// Plus llm/increase_resources: 0.6 effective → Brier (0.4)² = 0.16, in bucket [0.6,0.8).
const history: CalibrationRecord[] = [
  record(0.9, "effective"),
  record(0.9, "ineffective"),
  record(0.7, "effective"),
  record(0.5, "worsened"),
  record(0.3, "partially_effective"),
  record(0.95, "effective"),
  record(0.6),
  record(0.8, "insufficient_data"),
  record(0.4, "not_applicable"),
  record(0.6, "effective", { source: "llm", action: "increase_resources" }),
];

const close = (actual: number | null, expected: number, what: string) => {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
};

describe("calibration report", () => {
  const report = calibrationReport(history, policy);

  test("matches the hand-computed Brier score, rates and counts for (rules, restart_pod)", () => {
    assert.deepEqual(calibrationResponse.parse(report), report, "the report is what the API schema describes");
    const rules = report.actions.find((a) => a.source === "rules" && a.action === "restart_pod")!;
    assert.equal(rules.assessed, 6);
    assert.equal(rules.pending, 1);
    assert.equal(rules.unscored, 2);
    close(rules.brierScore, 0.20875, "brier");
    close(rules.successRate, 0.5, "success rate");
    close(rules.meanConfidence, 4.25 / 6, "mean confidence");
  });

  test("matches the hand-computed reliability table", () => {
    const rules = report.actions.find((a) => a.source === "rules" && a.action === "restart_pod")!;
    assert.deepEqual(
      rules.reliability.map((b) => [b.lo, b.hi, b.count, b.successes, b.observedSuccessRate]),
      [
        [0, 0.2, 0, 0, null],
        [0.2, 0.4, 1, 0, 0],
        [0.4, 0.6, 1, 0, 0],
        [0.6, 0.8, 1, 1, 1],
        [0.8, 1, 3, 2, 2 / 3],
      ],
    );
    assert.deepEqual(
      rules.reliability.slice(0, 4).map((b) => b.meanPredicted),
      [null, 0.3, 0.5, 0.7],
    );
    close(rules.reliability[4]!.meanPredicted, 2.75 / 3, "top bucket mean predicted");
  });

  test("aggregates per source, always listing both sources", () => {
    assert.deepEqual(
      report.sources.map((s) => [s.source, s.assessed, s.pending, s.unscored]),
      [
        ["llm", 1, 0, 0],
        ["rules", 6, 1, 2],
      ],
    );
    close(report.sources[0]!.brierScore, 0.16, "llm brier");
    const empty = calibrationReport([], policy);
    assert.deepEqual(
      empty.sources.map((s) => [s.source, s.assessed, s.brierScore, s.reliability.length]),
      [
        ["llm", 0, null, 5],
        ["rules", 0, null, 5],
      ],
    );
    assert.deepEqual(empty.actions, []);
  });

  test("a confidence of exactly 1, and one that floating point puts just below a bound, land in the right bucket", () => {
    const r = calibrationReport([record(1, "effective"), record(0.57, "effective")], { ...policy, buckets: 100 });
    const counts = r.sources[1]!.reliability.flatMap((b, k) => (b.count > 0 ? [k] : []));
    assert.deepEqual(counts, [57, 99]);
  });
});

describe("calibrated threshold", () => {
  test("is the lowest bucket bound from which the assessed proposals reach the target success", () => {
    // From the top: ≥ 0.8 → 2/3 = 0.667 < 0.75; ≥ 0.6 → 3/4 = 0.75 (reached); ≥ 0.4 → 3/5 = 0.6; ≥ 0.2, ≥ 0 → 3/6 = 0.5.
    const report = calibrationReport(history, policy);
    const t = thresholdFor(report, "rules", "restart_pod", policy);
    assert.equal(t.threshold, 0.6);
    assert.match(t.basis, /rules\/restart_pod: of the 4 assessed proposals with confidence ≥ 0\.6, 3 worked \(75%\)/);
    assert.deepEqual(report.actions.find((a) => a.source === "rules")!.threshold, t, "the report carries the same threshold");
  });

  test("abstains (threshold 1) when no confidence level reaches the target", () => {
    const strict = { ...policy, targetSuccess: 0.9 };
    const t = thresholdFor(calibrationReport(history, strict), "rules", "restart_pod", strict);
    assert.equal(t.threshold, 1);
    assert.match(t.basis, /of 6 assessed proposals, 3 worked \(50%\), and no confidence level reaches the target 90%/);
  });

  test("is the default with fewer than minSamples assessed proposals (pending and unscored do not count)", () => {
    const cautious = { ...policy, minSamples: 7 };
    const t = thresholdFor(calibrationReport(history, cautious), "rules", "restart_pod", cautious);
    assert.equal(t.threshold, 0.8);
    assert.match(t.basis, /6 assessed proposal\(s\), fewer than the 7 needed/);
  });

  test("is the default for a (source, action) never proposed", () => {
    const t = thresholdFor(calibrationReport(history, policy), "llm", "drain_node", policy);
    assert.equal(t.threshold, 0.8);
    assert.match(t.basis, /^llm\/drain_node: 0 assessed/);
  });

  test("calibratedThresholds reads the records at each call", () => {
    const records: CalibrationRecord[] = [];
    const thresholds = calibratedThresholds(() => records, policy);
    assert.equal(thresholds.threshold("rules", "restart_pod").threshold, 0.8);
    records.push(...history);
    assert.equal(thresholds.threshold("rules", "restart_pod").threshold, 0.6);
  });
});

describe("calibration record", () => {
  test("carries an outcome exactly when it carries assessedAt", () => {
    assert.equal(calibrationRecordValue.safeParse(record(0.5)).success, true);
    assert.equal(calibrationRecordValue.safeParse(record(0.5, "effective")).success, true);
    const { assessedAt: _dropped, ...noTime } = record(0.5, "effective");
    const issues = calibrationRecordValue.safeParse(noTime).error?.issues.map((i) => i.path.join("."));
    assert.deepEqual(issues, ["assessedAt"]);
    assert.equal(calibrationRecordValue.safeParse({ ...record(0.5), confidence: 1.5 }).success, false);
  });
});
