// The analyzer's REST API as an express Router, built from the route table. Per request: parameters checked
// (400), a fresh ApiContext (cluster time taken now), the handler run under REQUEST_TIMEOUT (504), the answer
// wrapped in `{data, metadata: {requestId, timestamp}}`. Errors are thrown, and the service kit's error
// middleware renders them (404/503 from the handlers' NotFoundError/UnavailableError, 500 without internals
// for anything else), so every Vigil API answers errors the same way.
//
//   router.use(apiRouter(apiRoutes, () => ({ cache, now: cache.clock.now(), ... }), { requestTimeoutMs: config.REQUEST_TIMEOUT }));
import { performance } from "node:perf_hooks";
import { HttpError, methodNotAllowed, sendData } from "@vigil/service";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { ApiMetrics } from "./api-metrics.js";
import { runWithDeadline } from "./deadline.js";
import { looseMatcher } from "./loose-path.js";
import { OPENAPI_PATH, openApiDocument } from "./openapi.js";
import { parseRequestInput } from "./request-input.js";
import type { ApiContext, ApiRoute } from "./route.js";
import { Snapshots } from "./snapshots.js";

export interface ApiRouterOptions {
  /** REQUEST_TIMEOUT in ms. */
  requestTimeoutMs: number;
  metrics?: ApiMetrics;
  /**
   * Check every `data` against the route's response schema; a mismatch is a 500 whose details list the issues.
   * For tests (the harness turns it on). Off in production: parsing a namespace's worth of pods costs
   * milliseconds against a p99 goal of 10 ms, and the handler's return type already has to match the schema.
   */
  validateResponses?: boolean;
}

export function apiRouter(routes: readonly ApiRoute[], makeContext: () => ApiContext, opts: ApiRouterOptions): Router {
  const router = express.Router();
  let document: ReturnType<typeof openApiDocument> | undefined;
  router.get(OPENAPI_PATH, (_req, res) => {
    res.json((document ??= openApiDocument(routes)));
  });
  router.all(OPENAPI_PATH, methodNotAllowed("GET"));

  for (const route of routes) {
    const run = route.snapshot ? fromSnapshots(route, route.snapshot, makeContext) : fresh(route, makeContext);
    router.get(route.path, (req: Request, res: Response) => handle(route, run, req, res, opts));
    router.all(route.path, methodNotAllowed("GET"));
  }
  router.use(emptySegments(routes));
  return router;
}

/** Computes a route's answer: `params` and `query` already checked. */
type Run = (params: unknown, query: unknown, signal: AbortSignal) => Promise<unknown>;

function fresh(route: ApiRoute, makeContext: () => ApiContext): Run {
  return async (params, query, signal) => route.handler({ params, query, ctx: makeContext(), signal });
}

function fromSnapshots(route: ApiRoute, snapshot: NonNullable<ApiRoute["snapshot"]>, makeContext: () => ApiContext): Run {
  const snapshots = new Snapshots<unknown>({ ...snapshot, maxEntries: 64, refreshTimeoutMs: 10_000 });
  return (params, query, signal) =>
    snapshots.get(
      JSON.stringify([params, query]),
      (s) => Promise.resolve(route.handler({ params, query, ctx: makeContext(), signal: s })),
      signal,
    );
}

async function handle(route: ApiRoute, run: Run, req: Request, res: Response, opts: ApiRouterOptions): Promise<void> {
  const startedAt = performance.now();
  const what = `GET ${route.path}`;
  const { params, query } = parseRequestInput(route, req.params as Record<string, string>, req.query);
  const controller = new AbortController();
  // A client that hangs up takes its answer's work with it.
  res.on("close", () => {
    if (!res.writableFinished) controller.abort(new Error("client closed the connection"));
  });
  try {
    const data = await runWithDeadline((signal) => run(params, query, signal), {
      timeoutMs: opts.requestTimeoutMs,
      startedAt,
      controller,
      what,
      onLateFailure: (err) => req.log.warn({ err, route: route.path }, "handler failed after its request timed out"),
    });
    if (opts.validateResponses) checkResponse(route, data);
    sendData(req, res, data);
  } catch (err) {
    if (controller.signal.aborted && controller.signal.reason === err) opts.metrics?.timeouts.inc({ route: route.path });
    throw err;
  }
}

function checkResponse(route: ApiRoute, data: unknown): void {
  const parsed = route.response.safeParse(data);
  if (parsed.success) return;
  const issues = parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  throw new HttpError("INTERNAL_ERROR", `response of ${route.operationId} does not match its schema`, issues);
}

/** Requests that have a route's shape with an empty segment: 400 "<param> is required" for GET, 405 otherwise. */
function emptySegments(routes: readonly ApiRoute[]) {
  const matchers = routes.map((route) => ({ route, matcher: looseMatcher(route.path) }));
  return (req: Request, _res: Response, next: NextFunction) => {
    for (const { route, matcher } of matchers) {
      const params = matcher.match(req.path);
      if (!params) continue;
      if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed("GET")(req);
      parseRequestInput(route, params, req.query); // throws: some segment is empty, or it would have matched
    }
    next();
  };
}
