// The calibration report: Brier score, success rate and reliability table per source and per (source,
// action), from the calibration records. Pure arithmetic over what the store holds, so it is tested on a
// fixed history and computed fresh for every request (a few thousand records at most in 90 days).
import { type ActionName, type CalibrationPolicy, type CalibrationReport, type ProposalSource, proposalSource } from "@vigil/contracts";
import { calibrationStatsOf, type CalibrationRecord } from "./stats.js";
import { thresholdFromStats } from "./threshold.js";

export function calibrationReport(records: readonly CalibrationRecord[], policy: CalibrationPolicy): CalibrationReport {
  const sources = proposalSource.options.map((source) => ({
    source,
    ...calibrationStatsOf(
      records.filter((r) => r.source === source),
      policy.buckets,
    ),
  }));
  const groups = new Map<string, { source: ProposalSource; action: ActionName; records: CalibrationRecord[] }>();
  for (const record of records) {
    const key = `${record.source}/${record.action}`;
    const group = groups.get(key) ?? { source: record.source, action: record.action, records: [] };
    group.records.push(record);
    groups.set(key, group);
  }
  const actions = [...groups.values()]
    .sort((a, b) => a.source.localeCompare(b.source) || a.action.localeCompare(b.action))
    .map(({ source, action, records: group }) => {
      const stats = calibrationStatsOf(group, policy.buckets);
      return { source, action, ...stats, threshold: thresholdFromStats(stats, policy, `${source}/${action}`) };
    });
  return { policy, sources, actions };
}
