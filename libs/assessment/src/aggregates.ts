// The effectiveness aggregates the investigator and the executor read from KV `vigil_effectiveness`: per
// (alertname, action) and per (owner, action), a count, the mean score and the last outcomes. Folding is pure
// and idempotent: an assessment already in `recent` changes nothing, so a redelivery cannot count twice.
import {
  type ActionName,
  type EffectivenessAggregateValue,
  type EffectivenessOutcome,
  effectivenessRecentMax,
  kvBuckets,
  resourceKey,
  type ResourceRef,
} from "@vigil/contracts";

export interface AggregateEntry {
  executionId: string;
  action: ActionName;
  outcome: EffectivenessOutcome;
  score: number | null;
  /** ISO, cluster time of the assessment. */
  at: string;
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

/** The aggregate with `entry` counted, or undefined when it is already counted. */
export function foldAggregate(
  previous: EffectivenessAggregateValue | undefined,
  entry: AggregateEntry,
): EffectivenessAggregateValue | undefined {
  if (previous?.recent.some((r) => r.executionId === entry.executionId)) return undefined;
  const count = (previous?.count ?? 0) + 1;
  const scoredBefore = previous?.scored ?? 0;
  const scored = scoredBefore + (entry.score === null ? 0 : 1);
  const meanScore =
    entry.score === null ? (previous?.meanScore ?? null) : round(((previous?.meanScore ?? 0) * scoredBefore + entry.score) / scored);
  const recent = [{ outcome: entry.outcome, score: entry.score, at: entry.at, executionId: entry.executionId }, ...(previous?.recent ?? [])]
    // Newest first by assessment time: assessments of one key can be recorded out of order.
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, effectivenessRecentMax);
  return { action: entry.action, count, scored, meanScore, recent, updatedAt: entry.at };
}

/** The two KV keys an assessment updates. */
export function aggregateKeys(alertname: string, owner: ResourceRef, action: ActionName): string[] {
  return [kvBuckets.effectiveness.key("alertname", alertname, action), kvBuckets.effectiveness.key("owner", resourceKey(owner), action)];
}
