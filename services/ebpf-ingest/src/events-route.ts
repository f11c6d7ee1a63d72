// `POST /events` (Konverse-compatible): one event, a JSON array or NDJSON; 202 once every valid event is
// stored in JetStream, with bad events reported by index; 400 when nothing was valid; 503 when JetStream is
// unreachable (retrying the same body is safe: ids are derived from the payload).
import { InvalidInputError } from "@vigil/errors";
import { type AuthConfig, bodyErrors, HttpError, methodNotAllowed, requireAuth, sendData } from "@vigil/service";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Ingestor } from "./ingest.js";
import { NOT_JSON, parseEventsBody } from "./request-body.js";

export interface EventsRouteOptions {
  ingestor: Ingestor;
  auth: AuthConfig;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
}

const ACCEPTED_TYPES = /^(application\/((x-)?ndjson|jsonl|json-seq|([\w.+-]+\+)?json)|text\/plain)$/i;

export function eventsRouter(o: EventsRouteOptions): Router {
  const router = express.Router();
  router.post(
    "/events",
    requireAuth(o.auth),
    (req: Request, _res: Response, next: NextFunction) => {
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
      // No Content-Type at all: curl -d and small scripts; the body decides.
      if (type && !ACCEPTED_TYPES.test(type))
        return next(new HttpError("UNSUPPORTED_MEDIA_TYPE", `expected application/json or application/x-ndjson, got ${type}`));
      next();
    },
    express.text({ type: () => true, limit: o.maxBodyBytes }),
    bodyErrors,
    async (req: Request, res: Response) => {
      const { single, items } = parseEventsBody(
        typeof req.body === "string" ? req.body : "",
        req.headers["content-type"] ?? "",
        o.maxEventsPerRequest,
      );
      const notJson = items.flatMap((it, index) => (it === NOT_JSON ? [{ index, message: `line ${index + 1} is not valid JSON` }] : []));
      // An outage throws IngestUnavailableError, which the kit answers with 503 and Retry-After.
      const result = await o.ingestor.ingest(
        items.map((it) => (it === NOT_JSON ? null : it)),
        "http",
      );
      // A NOT_JSON line was rejected as "not an object"; say what it really was.
      const rejected = result.rejected.map((r) => notJson.find((n) => n.index === r.index) ?? r);
      res.locals.logFields = { events: items.length, accepted: result.accepted, duplicates: result.duplicates, rejected: rejected.length };
      if (single && rejected.length) throw new InvalidInputError(rejected[0]!.message);
      if (rejected.length === items.length)
        throw new InvalidInputError(`none of the ${items.length} events is valid`, { details: { rejected } });
      sendData(req, res, { accepted: result.accepted, duplicates: result.duplicates, rejected }, 202);
    },
  );
  router.all("/events", methodNotAllowed("POST"));
  return router;
}
