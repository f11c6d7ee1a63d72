// Scores over a set of calibration records: Brier score, success rate, mean confidence and the reliability
// table. Observed success is 1 for an effective action and 0 for any other scored outcome; pending and
// unscored records are counted but take no part in any figure.
import type { CalibrationRecordValue, CalibrationStats, EffectivenessOutcome, ReliabilityBucket } from "@vigil/contracts";

/** One action proposal's confidence and, once assessed, its outcome (the value of KV `vigil_calibration`). */
export type CalibrationRecord = CalibrationRecordValue;

/**
 * 1 when the action worked, 0 when it did not (a partial fix counts as not working: the confidence promised
 * a fix), undefined when there is nothing to judge yet (pending) or nothing to judge at all (unscored).
 */
export function observedSuccess(outcome: EffectivenessOutcome | undefined): 0 | 1 | undefined {
  switch (outcome) {
    case "effective":
      return 1;
    case "partially_effective":
    case "ineffective":
    case "worsened":
      return 0;
    default:
      return undefined;
  }
}

export function calibrationStatsOf(records: readonly CalibrationRecord[], bucketCount: number): CalibrationStats {
  const scored: Array<{ confidence: number; observed: 0 | 1 }> = [];
  let pending = 0;
  let unscored = 0;
  for (const record of records) {
    const observed = observedSuccess(record.outcome);
    if (observed !== undefined) scored.push({ confidence: record.confidence, observed });
    else if (record.outcome === undefined) pending++;
    else unscored++;
  }
  const n = scored.length;
  const mean = (f: (s: (typeof scored)[number]) => number): number | null =>
    n === 0 ? null : scored.reduce((sum, s) => sum + f(s), 0) / n;
  return {
    assessed: n,
    pending,
    unscored,
    brierScore: mean((s) => (s.confidence - s.observed) ** 2),
    successRate: mean((s) => s.observed),
    meanConfidence: mean((s) => s.confidence),
    reliability: reliabilityTable(scored, bucketCount),
  };
}

function reliabilityTable(scored: ReadonlyArray<{ confidence: number; observed: 0 | 1 }>, bucketCount: number): ReliabilityBucket[] {
  const sums = Array.from({ length: bucketCount }, () => ({ count: 0, successes: 0, confidence: 0 }));
  for (const s of scored) {
    // The epsilon keeps 0.57 × 100 = 56.99999999999999 in bucket 57; confidence 1 belongs to the last bucket.
    const index = Math.min(Math.floor(s.confidence * bucketCount + 1e-9), bucketCount - 1);
    const sum = sums[index]!;
    sum.count++;
    sum.successes += s.observed;
    sum.confidence += s.confidence;
  }
  return sums.map((sum, k) => ({
    lo: k / bucketCount,
    hi: (k + 1) / bucketCount,
    count: sum.count,
    successes: sum.successes,
    meanPredicted: sum.count === 0 ? null : sum.confidence / sum.count,
    observedSuccessRate: sum.count === 0 ? null : sum.successes / sum.count,
  }));
}
