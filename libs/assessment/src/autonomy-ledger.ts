// Earned autonomy per (action, alertname, namespace class), KV `vigil_autonomy`, which the executor's approval
// check reads (policy `approval.autonomy.earned`). A class earns it after N assessed successes in a row with a
// mean score at or above the threshold; one low score, a failure or drift takes it back. Trust is slow to earn
// and quick to lose, so anything short of a success breaks the streak. "Insufficient data" changes nothing: it
// is neither a success nor a failure.
import type { AutonomyValue, EffectivenessOutcome } from "@vigil/contracts";

export interface AutonomyThresholds {
  /** Successes in a row needed to earn autonomy. */
  successes: number;
  /** The streak's mean score needed, and the score an assessment needs to count as a success. */
  minScore: number;
}

export const defaultAutonomyThresholds: AutonomyThresholds = { successes: 5, minScore: 0.8 };

export interface LedgerEvent {
  executionId: string;
  outcome: EffectivenessOutcome;
  score: number | null;
  drift: boolean;
  /** The execution failed or was reverted. */
  failure: boolean;
  /** ISO, cluster time. */
  at: string;
}

export interface LedgerChange {
  from: AutonomyValue["state"];
  to: AutonomyValue["state"];
  reason: string;
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;
const COUNTED_MAX = 50;

/**
 * The ledger entry after `event`, and the promotion or demotion it caused; undefined when nothing changes,
 * including when the execution was already counted (a redelivery).
 */
export function foldAutonomy(
  previous: AutonomyValue | undefined,
  event: LedgerEvent,
  t: AutonomyThresholds = defaultAutonomyThresholds,
): { value: AutonomyValue; change?: LedgerChange } | undefined {
  if (previous?.counted.includes(event.executionId)) return undefined;
  const state = previous?.state ?? "approval_required";
  const counted = [event.executionId, ...(previous?.counted ?? [])].slice(0, COUNTED_MAX);
  const setback = setbackOf(event, t);
  if (setback) {
    const value: AutonomyValue = { state: "approval_required", successes: 0, meanScore: null, counted, updatedAt: event.at };
    if (state !== "earned") return { value: { ...value, ...(previous?.lastChange ? { lastChange: previous.lastChange } : {}) } };
    const change = { from: state, to: "approval_required" as const, reason: setback };
    return { value: { ...value, lastChange: { ...change, at: event.at, executionId: event.executionId } }, change };
  }
  if (event.score === null) return undefined; // insufficient data: neither a success nor a setback
  const successes = (previous?.successes ?? 0) + 1;
  const meanScore = round(((previous?.meanScore ?? 0) * (successes - 1) + event.score) / successes);
  const base = { successes, meanScore, counted, updatedAt: event.at, ...(previous?.lastChange ? { lastChange: previous.lastChange } : {}) };
  if (state === "approval_required" && successes >= t.successes && meanScore >= t.minScore) {
    const change = {
      from: state,
      to: "earned" as const,
      reason: `${successes} assessed successes in a row, mean score ${meanScore.toFixed(2)} (needs ${t.successes} at ≥ ${t.minScore})`,
    };
    return { value: { state: "earned", ...base, lastChange: { ...change, at: event.at, executionId: event.executionId } }, change };
  }
  return { value: { state, ...base } };
}

function setbackOf(e: LedgerEvent, t: AutonomyThresholds): string | undefined {
  if (e.failure) return `execution ${e.executionId} failed or was reverted`;
  if (e.drift) return `drift: the change of execution ${e.executionId} was changed again by someone else`;
  if (e.score !== null && e.score < t.minScore)
    return `score ${e.score.toFixed(2)} (${e.outcome}) for execution ${e.executionId}, below ${t.minScore}`;
  return undefined;
}
