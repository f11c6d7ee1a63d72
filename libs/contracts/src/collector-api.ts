import { z } from "zod";
import { parseDurationMs } from "./duration.js";

/** What the collector's query API serves: node samples (`stats`) or this node's kernel events (`events`). */
export const collectorScope = z.enum(["stats", "events"]);
export type CollectorScope = z.infer<typeof collectorScope>;

/**
 * A point in time given as a duration back from now (`5m`) or an RFC 3339 time; parsed to epoch milliseconds
 * relative to `now` at request time.
 */
export type SinceParam = { agoMs: number } | { atMs: number };
export const sinceParam = z.string().transform((s, ctx): SinceParam => {
  const ms = parseDurationMs(s);
  if (ms !== undefined) return { agoMs: ms };
  const at = Date.parse(s);
  if (/^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(at)) return { atMs: at };
  ctx.addIssue({
    code: "custom",
    message: `"${s}" is neither a duration (e.g. 5m, 90s) nor an RFC 3339 time (e.g. 2026-11-22T05:00:00Z)`,
  });
  return z.NEVER;
});

export const sinceToMs = (since: SinceParam, now: number): number => ("agoMs" in since ? now - since.agoMs : since.atMs);

/** `GET /history?scope=stats|events&since=<duration|RFC3339>&limit=<n>` (scope defaults to stats, since to the whole window). */
export const collectorHistoryQuery = z.object({
  scope: collectorScope.default("stats"),
  since: sinceParam.optional(),
  /** Newest `limit` items of the selection. */
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});
export type CollectorHistoryQuery = z.infer<typeof collectorHistoryQuery>;

/** `GET /stream?scope=stats|events`; resume with the `Last-Event-ID` header (or `lastEventId`, for clients that cannot set headers). */
export const collectorStreamQuery = z.object({
  scope: collectorScope.default("stats"),
  lastEventId: z.string().regex(/^\d+$/, "expected the numeric id of an event received before").optional(),
});
export type CollectorStreamQuery = z.infer<typeof collectorStreamQuery>;
