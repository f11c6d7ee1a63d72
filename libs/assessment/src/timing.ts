// When an action is judged, and over which signals. Assessing too early judges a rollout still in progress;
// judging a window that has not ended yet was Kubernaut's bug (its after-window ended 15 minutes after the
// action, its assessment ran at 10). Here the after-window always ends at the assessment, and an assessment that
// comes later than the validity window (the service was down for an hour) says so instead of judging stale data.
import type { ActionName } from "@vigil/contracts";
import type { AssessmentWindows } from "./assessment-context.js";

export interface AssessmentTiming {
  /** Default wait between the action and its assessment. */
  stabilizationMs: number;
  /** Per-action overrides (a rollback settles slower than a pod restart). */
  perAction: Partial<Record<ActionName, number>>;
  /** Past actionAt + validity, the signals no longer describe the action's effect. */
  validityMs: number;
  /** How far back "before the action" reaches. */
  beforeMs: number;
}

export const defaultTiming: AssessmentTiming = {
  stabilizationMs: 5 * 60_000,
  perAction: {},
  validityMs: 30 * 60_000,
  beforeMs: 10 * 60_000,
};

export const stabilizationFor = (t: AssessmentTiming, action: ActionName): number => t.perAction[action] ?? t.stabilizationMs;

/** Before: [actionAt − beforeMs, actionAt]. After: [actionAt, now], the whole settling period up to the assessment. */
export function windowsFor(t: AssessmentTiming, actionAt: number, now: number): AssessmentWindows {
  return { before: { from: actionAt - t.beforeMs, to: actionAt }, after: { from: actionAt, to: Math.max(actionAt, now) } };
}

/** Why it is too late to judge (undefined: in time). */
export function expiredBecause(t: AssessmentTiming, actionAt: number, now: number): string | undefined {
  const late = now - actionAt;
  if (late <= t.validityMs) return undefined;
  return `the assessment ran ${Math.round(late / 60_000)}m after the action, past the ${Math.round(t.validityMs / 60_000)}m validity window: its signals no longer describe the action's effect`;
}
