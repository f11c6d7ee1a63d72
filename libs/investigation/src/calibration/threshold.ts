// The confidence an action proposal needs before it is acted on, learnt from how past proposals of the same
// (source, action) turned out: the lowest confidence from which they worked often enough. Until enough of
// them are assessed the configured default holds, and when no confidence level ever worked often enough the
// threshold is 1 (abstain: every such proposal goes to a human).
import type {
  ActionName,
  CalibratedThreshold,
  CalibrationPolicy,
  CalibrationReport,
  CalibrationStats,
  ProposalSource,
} from "@vigil/contracts";
import { calibrationStatsOf, type CalibrationRecord } from "./stats.js";

/** The threshold for (source, action) in a report; a pair the report does not list has no assessed proposal. */
export function thresholdFor(
  report: CalibrationReport,
  source: ProposalSource,
  action: ActionName,
  policy: CalibrationPolicy,
): CalibratedThreshold {
  const entry = report.actions.find((a) => a.source === source && a.action === action);
  return thresholdFromStats(entry ?? calibrationStatsOf([], policy.buckets), policy, `${source}/${action}`);
}

/** Thresholds over records read at each call (e.g. `() => store.records()`): what the orchestrator asks. */
export function calibratedThresholds(
  records: () => readonly CalibrationRecord[],
  policy: CalibrationPolicy,
): { threshold(source: ProposalSource, action: ActionName): CalibratedThreshold } {
  return {
    threshold(source, action) {
      const mine = records().filter((r) => r.source === source && r.action === action);
      return thresholdFromStats(calibrationStatsOf(mine, policy.buckets), policy, `${source}/${action}`);
    },
  };
}

export function thresholdFromStats(stats: CalibrationStats, policy: CalibrationPolicy, subject: string): CalibratedThreshold {
  const target = policy.targetSuccess;
  if (stats.assessed < policy.minSamples) {
    return {
      threshold: policy.defaultThreshold,
      basis: `${subject}: ${stats.assessed} assessed proposal(s), fewer than the ${policy.minSamples} needed to calibrate, so the default threshold ${policy.defaultThreshold} applies`,
    };
  }
  // Counts at or above each bucket's lower bound, from the top down; the lowest bound that reaches the target wins.
  let count = 0;
  let successes = 0;
  let best: { lo: number; count: number; successes: number } | undefined;
  for (let k = stats.reliability.length - 1; k >= 0; k--) {
    const bucket = stats.reliability[k]!;
    count += bucket.count;
    successes += bucket.successes;
    if (count > 0 && successes / count >= target) best = { lo: bucket.lo, count, successes };
  }
  if (best === undefined) {
    return {
      threshold: 1,
      basis: `${subject}: of ${stats.assessed} assessed proposals, ${successes} worked (${percent(successes / count)}), and no confidence level reaches the target ${percent(target)}, so it abstains (threshold 1)`,
    };
  }
  return {
    threshold: best.lo,
    basis: `${subject}: of the ${best.count} assessed proposals with confidence ≥ ${best.lo}, ${best.successes} worked (${percent(best.successes / best.count)}), reaching the target ${percent(target)}`,
  };
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
