// The assessment as published on `vigil.effectiveness.assessed`, and as kept on the action-history row. The
// message id is derived from the execution, so whichever delivery publishes it, JetStream stores it once; the
// row keeps every field of the message, so a redelivery after a crash publishes exactly the same message again.
import type { EffectivenessRecord } from "@vigil/action-history";
import type { AssessmentResult, TargetSnapshot } from "@vigil/assessment";
import { type AssessmentMessage, assessmentMessage, derive, deterministicId, type ExecutionMessage } from "@vigil/contracts";

export const assessmentIdOf = (executionId: string): string => deterministicId("assess", executionId);

const iso = (ms: number): string => new Date(ms).toISOString();

export interface Judgement {
  outcome: AssessmentMessage["outcome"];
  score: number | null;
  components: AssessmentMessage["components"];
  method: string;
  notes: string;
  alertResolved: boolean | null;
  recurrence: boolean;
  drift: boolean;
  windows?: AssessmentMessage["windows"];
}

/** A scored (or insufficient-data) judgement from an assessment run. */
export function judgementOf(result: AssessmentResult): Judgement {
  return {
    outcome: result.outcome,
    score: result.score,
    components: result.components,
    method: result.method,
    notes: result.notes,
    alertResolved: result.alertResolved,
    recurrence: result.recurrence,
    drift: result.drift,
    ...(result.windows
      ? {
          windows: {
            before: { from: iso(result.windows.before.from), to: iso(result.windows.before.to) },
            after: { from: iso(result.windows.after.from), to: iso(result.windows.after.to) },
          },
        }
      : {}),
  };
}

/** An outcome without a score, for an execution that changed nothing to judge. */
export function immediateJudgement(method: string, notes: string): Judgement {
  return { outcome: "not_applicable", score: null, components: [], method, notes, alertResolved: null, recurrence: false, drift: false };
}

export function buildAssessment(execution: ExecutionMessage, j: Judgement, assessedAt: number): AssessmentMessage {
  return assessmentMessage.parse({
    ...derive(execution, { id: assessmentIdOf(execution.executionId) }),
    executionId: execution.executionId,
    proposalId: execution.proposalId,
    action: execution.action,
    target: execution.target,
    outcome: j.outcome,
    score: j.score,
    components: j.components,
    method: j.method,
    notes: j.notes,
    alertResolved: j.alertResolved,
    recurrence: j.recurrence,
    drift: j.drift,
    actionAt: execution.finishedAt,
    ...(j.windows ? { windows: j.windows } : {}),
    // The after-window ends at the assessment; a clock read a millisecond earlier must not put it in the future.
    assessedAt: iso(Math.max(assessedAt, j.windows ? Date.parse(j.windows.after.to) : 0, Date.parse(execution.finishedAt))),
  });
}

export function recordOf(m: AssessmentMessage, observed?: { baseline: TargetSnapshot; current?: TargetSnapshot }): EffectivenessRecord {
  return {
    outcome: m.outcome,
    score: m.score,
    components: m.components,
    method: m.method,
    notes: m.notes,
    assessedAt: m.assessedAt,
    assessmentId: m.id,
    alertResolved: m.alertResolved,
    recurrence: m.recurrence,
    drift: m.drift,
    actionAt: m.actionAt,
    ...(m.windows ? { windows: m.windows } : {}),
    ...(observed ? { observed } : {}),
  };
}

/** The message again, from the row of an execution already assessed. */
export function messageFromRecord(execution: ExecutionMessage, r: EffectivenessRecord): AssessmentMessage {
  return assessmentMessage.parse({
    ...derive(execution, { id: r.assessmentId ?? assessmentIdOf(execution.executionId) }),
    executionId: execution.executionId,
    proposalId: execution.proposalId,
    action: execution.action,
    target: execution.target,
    outcome: r.outcome,
    score: r.score,
    components: r.components,
    method: r.method,
    notes: r.notes,
    alertResolved: r.alertResolved ?? null,
    recurrence: r.recurrence ?? false,
    drift: r.drift ?? false,
    actionAt: r.actionAt ?? execution.finishedAt,
    ...(r.windows ? { windows: r.windows } : {}),
    assessedAt: r.assessedAt,
  });
}
