// The executor's REST API (port 8083): request schemas, shared by the service, the CLI and tests.
import { z } from "zod";
import { catalogActionName } from "./catalog/index.js";
import { executionStatus } from "./execution.js";
import { timestamp } from "./message.js";

/** Statuses a stored execution can have: the published ones plus the executor's own intermediate ones. */
export const recordStatus = z.enum(["received", "executing", ...executionStatus.options]);
export type RecordStatus = z.infer<typeof recordStatus>;

/** `GET /api/v1/actions` */
export const actionsQuery = z.strictObject({
  status: recordStatus.optional(),
  action: catalogActionName.optional(),
  namespace: z.string().min(1).max(253).optional(),
  incident: z.string().min(1).max(128).optional(),
  /** `Kind/namespace/name` or `Kind/name` (resourceKey): the actions on that object, or on what it owns (its pods). */
  target: z.string().min(1).max(800).optional(),
  from: timestamp.optional(),
  to: timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(512).optional(),
});
export type ActionsQuery = z.infer<typeof actionsQuery>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be the sha256 hex digest of the approval request's diff");

/** `POST /api/v1/actions/{id}/approve` and `/reject`: who decides, and the exact change (its diff hash) decided on. */
export const approvalDecisionBody = z.strictObject({
  by: z.string().trim().min(1, "name who decides").max(256),
  diffHash: sha256Hex,
  comment: z.string().max(2000).optional(),
});
export type ApprovalDecisionBody = z.infer<typeof approvalDecisionBody>;

/** `POST /api/v1/pause` (break-glass) and `/resume`. */
export const pauseBody = z.strictObject({
  by: z.string().trim().min(1, "name who pauses").max(256),
  reason: z.string().max(2000).default(""),
});
export type PauseBody = z.infer<typeof pauseBody>;
