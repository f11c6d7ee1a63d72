// Calibration: how well the investigator's stated confidence predicts whether its actions work.
// A record joins one action proposal (source, action, confidence) to the outcome of its effectiveness
// assessment; `GET /api/v1/calibration` reports Brier scores, reliability tables and the confidence
// threshold each (source, action) currently needs.
//
// Observed success is binary: 1 for `effective`, 0 for `partially_effective`, `ineffective` and `worsened`
// (a partial fix is not what the confidence promised). Proposals without an assessment yet are `pending`;
// assessed as `insufficient_data` or `not_applicable` (nothing ran, or no signal) they are `unscored`.
// Neither counts in any score: a confidence is only judged against an outcome that says something.
import { z } from "zod";
import { catalogActionName } from "./catalog/index.js";
import { effectivenessOutcome } from "./effectiveness.js";
import { confidence, messageId, timestamp } from "./message.js";
import { proposalSource } from "./proposal.js";

/** KV `vigil_calibration`, key = proposal id: one action proposal and, once assessed, its outcome. */
export const calibrationRecordValue = z
  .object({
    proposalId: messageId,
    source: proposalSource,
    action: catalogActionName,
    confidence,
    proposedAt: timestamp,
    outcome: effectivenessOutcome.optional(),
    assessedAt: timestamp.optional(),
  })
  .refine((r) => (r.outcome === undefined) === (r.assessedAt === undefined), {
    path: ["assessedAt"],
    message: "is present exactly when the outcome is",
  });
export type CalibrationRecordValue = z.infer<typeof calibrationRecordValue>;

/** One confidence bucket of a reliability table: of the assessed proposals with lo <= confidence < hi, how many worked. */
export const reliabilityBucket = z.object({
  lo: z.number().min(0).max(1),
  /** Exclusive, except for the last bucket, which includes confidence 1. */
  hi: z.number().min(0).max(1),
  count: z.number().int().nonnegative(),
  successes: z.number().int().nonnegative(),
  /** Mean confidence of the bucket's proposals; null when the bucket is empty. */
  meanPredicted: z.number().min(0).max(1).nullable(),
  /** successes / count; null when the bucket is empty. A calibrated source has it close to meanPredicted. */
  observedSuccessRate: z.number().min(0).max(1).nullable(),
});
export type ReliabilityBucket = z.infer<typeof reliabilityBucket>;

/** Scores over a set of proposals. The means are over `assessed` only, and null when nothing is assessed. */
export const calibrationStats = z.object({
  /** Proposals with a scored outcome: the ones every figure below is computed from. */
  assessed: z.number().int().nonnegative(),
  /** Proposals not assessed yet. */
  pending: z.number().int().nonnegative(),
  /** Proposals assessed as insufficient_data or not_applicable. */
  unscored: z.number().int().nonnegative(),
  /** Mean of (confidence − observed)²: 0 is perfect, 0.25 is what always saying 0.5 earns. */
  brierScore: z.number().min(0).max(1).nullable(),
  successRate: z.number().min(0).max(1).nullable(),
  meanConfidence: z.number().min(0).max(1).nullable(),
  reliability: z.array(reliabilityBucket),
});
export type CalibrationStats = z.infer<typeof calibrationStats>;

/** The confidence a proposal needs before it is acted on, and why it is that value. */
export const calibratedThreshold = z.object({
  threshold: z.number().min(0).max(1),
  /** One sentence, e.g. "12 assessed proposals: at confidence ≥ 0.8, 10 of 10 worked (target 0.9)". */
  basis: z.string().min(1),
});
export type CalibratedThreshold = z.infer<typeof calibratedThreshold>;

export const calibrationPolicy = z.object({
  /** The threshold while a (source, action) has fewer than minSamples assessed proposals. */
  defaultThreshold: z.number().min(0).max(1),
  /** The observed success rate the proposals at or above the threshold must reach. */
  targetSuccess: z.number().min(0).max(1),
  minSamples: z.number().int().positive(),
  /** Equal-width confidence buckets over [0, 1]. */
  buckets: z.number().int().min(1).max(100),
});
export type CalibrationPolicy = z.infer<typeof calibrationPolicy>;

/** `GET /api/v1/calibration`: the report `calibrationReport()` (in @vigil/investigation) computes. */
export const calibrationResponse = z.object({
  policy: calibrationPolicy,
  /** Both sources, always (all zeros when a source proposed nothing). */
  sources: z.array(calibrationStats.extend({ source: proposalSource })),
  /** Each (source, action) with at least one proposal, with the threshold it currently needs. */
  actions: z.array(calibrationStats.extend({ source: proposalSource, action: catalogActionName, threshold: calibratedThreshold })),
});
export type CalibrationReport = z.infer<typeof calibrationResponse>;
