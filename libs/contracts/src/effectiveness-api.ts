// The effectiveness service's REST API (port 8084): request schemas and response shapes, shared by the service,
// @vigil/action-history's queries, clients and tests. Query objects are strict: an unknown parameter is a 400 that
// names it, never silently ignored (a misspelt `namspace=` would otherwise widen the answer to every namespace).
import { z } from "zod";
import { catalogActionName } from "./catalog/index.js";
import { assessmentComponent, effectivenessOutcome } from "./effectiveness.js";
import { recordStatus } from "./executor-api.js";
import { messageId, resourceRef, timestamp } from "./message.js";

/** What effectiveness can be grouped by. */
export const effectivenessDimension = z.enum(["action", "alertname", "namespace"]);
export type EffectivenessDimension = z.infer<typeof effectivenessDimension>;
export const effectivenessDimensions: readonly EffectivenessDimension[] = effectivenessDimension.options;

/** `groupBy=action,namespace`: deduplicated, in the canonical order (action, alertname, namespace). */
const groupByList = z
  .string()
  .transform((text, ctx) => {
    const parts = text
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    const unknown = parts.filter((p) => !(effectivenessDimensions as readonly string[]).includes(p));
    if (parts.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `${unknown.length > 0 ? `unknown ${unknown.map((u) => JSON.stringify(u)).join(", ")}: ` : ""}use a comma list of ${effectivenessDimensions.join(", ")}`,
      });
      return z.NEVER;
    }
    return effectivenessDimensions.filter((d) => parts.includes(d));
  })
  .optional()
  .transform((dims) => dims ?? [...effectivenessDimensions]);

const fromBeforeTo = (q: { from?: string | undefined; to?: string | undefined }) =>
  q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to);
const fromBeforeToMessage = { path: ["to"], message: "must be after from" };

const pageLimit = z.coerce.number().int().min(1).max(500).default(50);
const namespaceName = z.string().min(1).max(253);

/**
 * `GET /api/v1/effectiveness`: assessed actions grouped by action, alertname and namespace (any of them), over
 * [from, to) of the action's time (when the executor recorded it; see @vigil/action-history effectivenessSummary).
 */
export const effectivenessQuery = z
  .strictObject({
    action: catalogActionName.optional(),
    alertname: z.string().min(1).max(256).optional(),
    namespace: namespaceName.optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
    groupBy: groupByList,
  })
  .refine(fromBeforeTo, fromBeforeToMessage);
export type EffectivenessQuery = z.infer<typeof effectivenessQuery>;

/** `GET /api/v1/assessments`: recent assessments, newest action first, filtered, one page at a time. */
export const assessmentsQuery = z
  .strictObject({
    outcome: effectivenessOutcome.optional(),
    action: catalogActionName.optional(),
    namespace: namespaceName.optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
    limit: pageLimit,
    cursor: z.string().min(1).max(512).optional(),
  })
  .refine(fromBeforeTo, fromBeforeToMessage);
export type AssessmentsQuery = z.infer<typeof assessmentsQuery>;

/** `GET /api/v1/aggregates`: one KV aggregate, as the investigator and the executor read it. */
export const aggregateQuery = z.strictObject({
  scope: z.enum(["alertname", "owner"]),
  /** An alertname, or an owner's `resourceKey` (`Deployment/shop/web`). */
  subject: z.string().min(1).max(512),
  action: catalogActionName,
});
export type AggregateQuery = z.infer<typeof aggregateQuery>;

/** `GET /api/v1/autonomy`: the ledger and the latest promotions and demotions, optionally for one class. */
export const autonomyQuery = z.strictObject({
  action: catalogActionName.optional(),
  alertname: z.string().min(1).max(256).optional(),
  namespaceClass: z.string().min(1).max(128).optional(),
  limit: pageLimit,
});
export type AutonomyQuery = z.infer<typeof autonomyQuery>;

/** One group of `GET /api/v1/effectiveness`: only the grouped dimensions are present. */
export const effectivenessGroup = z.object({
  action: catalogActionName.optional(),
  alertname: z.string().optional(),
  /** null: cluster-scoped targets (nodes, persistent volumes). */
  namespace: z.string().nullable().optional(),
  /** Assessments in the group, scored or not. */
  count: z.number().int().positive(),
  /** Of those, the ones with a score (the mean is over these). */
  scored: z.number().int().nonnegative(),
  /** null when none was scored (all dry runs, or insufficient data). */
  meanScore: z.number().min(0).max(1).nullable(),
  /** Every outcome, with 0 for the ones that did not occur. */
  outcomes: z.record(effectivenessOutcome, z.number().int().nonnegative()),
  /** The first and last action in the group (action time, the axis of from/to). */
  firstAt: timestamp,
  lastAt: timestamp,
});
export type EffectivenessGroup = z.infer<typeof effectivenessGroup>;

export const effectivenessSummary = z.object({
  groupBy: z.array(effectivenessDimension),
  from: timestamp.nullable(),
  to: timestamp.nullable(),
  /** Largest groups first. */
  groups: z.array(effectivenessGroup),
  /** More groups matched than were returned: narrow the filter or group by fewer dimensions. */
  truncated: z.boolean(),
});
export type EffectivenessSummary = z.infer<typeof effectivenessSummary>;

/**
 * An assessment as stored on the action's row (the effectiveness service writes it): read loosely, so a field
 * added later does not turn old rows into errors.
 */
export const recordedAssessment = z.looseObject({
  outcome: effectivenessOutcome,
  score: z.number().min(0).max(1).nullable(),
  components: z.array(assessmentComponent).default([]),
  method: z.string(),
  notes: z.string().default(""),
  assessedAt: timestamp,
  assessmentId: messageId.optional(),
  alertResolved: z.boolean().nullable().optional(),
  recurrence: z.boolean().optional(),
  drift: z.boolean().optional(),
  windows: z
    .object({ before: z.object({ from: timestamp, to: timestamp }), after: z.object({ from: timestamp, to: timestamp }) })
    .optional(),
});
export type RecordedAssessment = z.infer<typeof recordedAssessment>;

/** One item of `GET /api/v1/assessments`. */
export const assessmentListItem = z.object({
  executionId: messageId,
  proposalId: messageId,
  incidentId: messageId,
  action: catalogActionName,
  alertname: z.string(),
  namespace: z.string().nullable(),
  target: resourceRef,
  owner: resourceRef,
  status: recordStatus,
  dryRun: z.boolean(),
  /** When the executor recorded the action (the list's order and the axis of from/to). */
  actionAt: timestamp,
  assessment: recordedAssessment,
});
export type AssessmentListItem = z.infer<typeof assessmentListItem>;

export const assessmentPage = z.object({ items: z.array(assessmentListItem), nextCursor: z.string().nullable() });
export type AssessmentPage = z.infer<typeof assessmentPage>;
