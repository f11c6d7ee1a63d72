import { z } from "zod";
import { actionName } from "./action.js";
import { messageBase, messageId, resourceRef, timestamp } from "./message.js";

export const effectivenessOutcome = z.enum(["effective", "partially_effective", "ineffective", "worsened", "inconclusive"]);
export type EffectivenessOutcome = z.infer<typeof effectivenessOutcome>;

/** A before/after comparison of one health signal around an action. */
export const effectivenessSignal = z.object({
  name: z.string(),
  before: z.number().nullable(),
  after: z.number().nullable(),
  improved: z.boolean().nullable(),
});

/** `vigil.effectiveness.assessed`: whether an executed action worked, scored 0..1. */
export const effectivenessAssessedMessage = messageBase.extend({
  executionId: messageId,
  action: actionName,
  target: resourceRef,
  alertname: z.string().optional(),
  outcome: effectivenessOutcome,
  score: z.number().min(0).max(1),
  alertResolved: z.boolean().nullable(),
  signals: z.array(effectivenessSignal).default([]),
  windowSeconds: z.number().int().positive(),
  notes: z.string().default(""),
  assessedAt: timestamp,
});
export type EffectivenessAssessedMessage = z.infer<typeof effectivenessAssessedMessage>;
