// The query API on :3100, Konverse-compatible: GET /ping → "ok"; GET /history → a JSON array (node samples by
// default, this node's kernel events with scope=events) from a time window, narrowed by `since`; GET /stream →
// Server-Sent Events of new items, resumable with Last-Event-ID.
import { describeZodError, type TimeRing } from "@vigil/bus";
import { type CollectorScope, collectorHistoryQuery, collectorStreamQuery, sinceToMs } from "@vigil/contracts";
import { InvalidInputError } from "@vigil/errors";
import { methodNotAllowed } from "@vigil/service";
import express, { type Request, type Router } from "express";
import type { z } from "zod";
import type { SseHub } from "./sse-hub.js";
import { writeJsonArray } from "./json-array-response.js";

export interface QueryRoutesOptions {
  /** Items as JSON text, written out as they are. */
  rings: Record<CollectorScope, TimeRing<string>>;
  hub: SseHub;
  /** SSE `event:` name per scope. */
  eventNames: Record<CollectorScope, string>;
}

const parse = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => {
  const r = schema.safeParse(req.query);
  if (!r.success) {
    const allowed = { scope: ["stats", "events"], since: "duration (5m, 90s) or RFC 3339 time" };
    throw new InvalidInputError(`invalid query: ${describeZodError(r.error)}`, { details: { allowed } });
  }
  return r.data;
};

/**
 * The resume point a client sent in Last-Event-ID: an id this API gave it, so digits. Anything else is refused
 * with a 400 rather than taken as a fresh connection, which would silently lose what the client missed. An
 * empty header is what the SSE spec sends before any id was received, so it means "no resume point".
 */
function lastEventId(header: string | undefined): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new InvalidInputError(`invalid Last-Event-ID header: "${value.slice(0, 64)}" is not the numeric id of an event received before`);
  }
  return Number(value);
}

export function queryRoutes({ rings, hub, eventNames }: QueryRoutesOptions): Router {
  const router = express.Router();

  router.get("/ping", (_req, res) => {
    res.type("text/plain").send("ok");
  });
  router.all("/ping", methodNotAllowed("GET"));

  router.get("/history", (req, res) => {
    const q = parse(collectorHistoryQuery, req);
    const ring = rings[q.scope];
    const now = Date.now();
    const from = q.since ? Math.max(sinceToMs(q.since, now), now - ring.windowMs) : now - ring.windowMs;
    const items = ring.since(from, q.limit, now);
    res.locals.logFields = { scope: q.scope, items: items.length };
    writeJsonArray(res, items);
  });
  router.all("/history", methodNotAllowed("GET"));

  router.get("/stream", (req, res) => {
    const q = parse(collectorStreamQuery, req);
    const resumeFrom = lastEventId(req.get("Last-Event-ID")) ?? (q.lastEventId !== undefined ? Number(q.lastEventId) : undefined);
    const backlog = resumeFrom === undefined ? [] : rings[q.scope].after(resumeFrom);
    res.locals.logFields = { scope: q.scope, resumeFrom, replayed: backlog.length };
    hub.open(res, q.scope, eventNames[q.scope], backlog);
  });
  router.all("/stream", methodNotAllowed("GET"));

  return router;
}
