import { z } from "zod";
import { catalogActionName } from "./catalog/index.js";
import { messageBase, messageId, resourceRef, timestamp } from "./message.js";
import { pipelineBase } from "./pipeline.js";

export const effectivenessOutcome = z.enum([
  "effective",
  "partially_effective",
  "ineffective",
  "worsened",
  /** Not enough signal in the window to judge: its own outcome, never a number. */
  "insufficient_data",
  /** Nothing ran to judge: dry runs, rejections, failures, expiries. */
  "not_applicable",
]);
export type EffectivenessOutcome = z.infer<typeof effectivenessOutcome>;

/** Outcomes that carry no score. */
export const unscoredOutcomes: readonly EffectivenessOutcome[] = ["insufficient_data", "not_applicable"];

export const assessmentComponentName = z.enum(["health", "alert", "metrics", "kernel", "side_effects", "drift"]);
export type AssessmentComponentName = z.infer<typeof assessmentComponentName>;

/** One scored part of an assessment, explained. */
export const assessmentComponent = z.object({
  name: assessmentComponentName,
  weight: z.number().min(0).max(1),
  /** 0 (bad) .. 1 (good); null when this component had no data. */
  value: z.number().min(0).max(1).nullable(),
  explanation: z.string().min(1),
  /** The figures the value was computed from (pods, restarts, alert times, samples...), for the REST API and audits. */
  evidence: z.record(z.string(), z.unknown()).optional(),
});
export type AssessmentComponent = z.infer<typeof assessmentComponent>;

const window = z.object({ from: timestamp, to: timestamp });

/** `vigil.effectiveness.assessed`: whether an executed action worked. */
export const assessmentMessage = pipelineBase
  .extend({
    /** The action-history row assessed; causationId is the execution record that triggered it. */
    executionId: messageId,
    /** The proposal that led to the execution: joins a proposal's confidence with its outcome (calibration). */
    proposalId: messageId,
    action: catalogActionName,
    target: resourceRef,
    outcome: effectivenessOutcome,
    /** Weighted sum of the components in [0,1]; null exactly when the outcome is insufficient_data or not_applicable. */
    score: z.number().min(0).max(1).nullable(),
    components: z.array(assessmentComponent).default([]),
    /** Versioned scoring method, e.g. `weighted-v1`, or `immediate` for unscored outcomes. */
    method: z.string().min(1),
    notes: z.string().default(""),
    alertResolved: z.boolean().nullable(),
    /** The alert fired again within the window, or a kernel OOM recurred. */
    recurrence: z.boolean(),
    /** Someone else reverted the fields the action changed. */
    drift: z.boolean(),
    actionAt: timestamp,
    /** Signals before the action and after stabilization; absent for unscored outcomes. */
    windows: z.object({ before: window, after: window }).optional(),
    assessedAt: timestamp,
  })
  .superRefine((m, ctx) => {
    const unscored = unscoredOutcomes.includes(m.outcome);
    if (unscored && m.score !== null) ctx.addIssue({ code: "custom", path: ["score"], message: `must be null for ${m.outcome}` });
    if (!unscored && m.score === null) ctx.addIssue({ code: "custom", path: ["score"], message: `a ${m.outcome} outcome has a score` });
    const names = m.components.map((c) => c.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: "custom", path: ["components", i, "name"], message: `duplicate component ${n}` });
    });
    if (m.windows) {
      const { before, after } = m.windows;
      const at = (s: string) => Date.parse(s);
      if (at(before.from) > at(before.to) || at(after.from) > at(after.to))
        ctx.addIssue({ code: "custom", path: ["windows"], message: "each window's from must not be after its to" });
      if (at(before.to) > at(m.actionAt))
        ctx.addIssue({ code: "custom", path: ["windows", "before", "to"], message: "must not be after actionAt" });
      if (at(after.from) < at(m.actionAt))
        ctx.addIssue({ code: "custom", path: ["windows", "after", "from"], message: "must not be before actionAt" });
      // Scoring a window that has not ended yet is the bug this rules out.
      if (at(after.to) > at(m.assessedAt))
        ctx.addIssue({ code: "custom", path: ["windows", "after", "to"], message: "must not be after assessedAt" });
    }
  });
export type AssessmentMessage = z.infer<typeof assessmentMessage>;

/**
 * `vigil.effectiveness.autonomy`: one (action, alertname, namespace class) was promoted to run without approval,
 * or demoted back to approval. Published once per change (its id is derived from the execution that caused it).
 */
export const autonomyChangeMessage = messageBase.extend({
  action: catalogActionName,
  alertname: z.string().min(1),
  namespaceClass: z.string().min(1),
  from: z.enum(["approval_required", "earned"]),
  to: z.enum(["approval_required", "earned"]),
  /** In words: "5 assessed successes, mean score 0.91", "score 0.20 (ineffective)", "drift: ...". */
  reason: z.string().min(1),
  /** The assessed execution that caused the change. */
  executionId: messageId,
  successes: z.number().int().nonnegative(),
  meanScore: z.number().min(0).max(1).nullable(),
  at: timestamp,
});
export type AutonomyChangeMessage = z.infer<typeof autonomyChangeMessage>;
