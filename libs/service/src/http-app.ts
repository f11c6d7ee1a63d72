import { randomUUID } from "node:crypto";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { Histogram, type Registry } from "prom-client";
import { NotFoundError, UnavailableError } from "@vigil/errors";
import { errorResponse, INTERNAL_ERROR_RESPONSE, sendError } from "./http-errors.js";
import type { Readiness } from "./readiness.js";

export interface HttpAppOptions {
  log: Logger;
  registry: Registry;
  readiness: Readiness;
  /** Service routes; mounted before the 404 handler so they can be added after startup. */
  router: Router;
  /** False until the service finished starting: its routes answer 503 meanwhile. */
  isStarted(): boolean;
  isShuttingDown(): boolean;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The express app every service shares: request ids, access logs, metrics, health, errors as envelopes. */
export function createHttpApp(opts: HttpAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("trust proxy", true);

  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method, route and status code",
    labelNames: ["method", "route", "status_code"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [opts.registry],
  });

  app.use(
    pinoHttp({
      logger: opts.log,
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader("X-Request-ID", id);
        return id;
      },
      customProps: (req) => {
        const cid = req.headers["x-correlation-id"];
        return typeof cid === "string" && REQUEST_ID.test(cid) ? { correlationId: cid } : {};
      },
      // Probes and scrapes every few seconds would drown the access log.
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" || req.url === "/metrics" },
      // Handlers put per-request facts in res.locals.logFields, so each request logs one line.
      customSuccessObject: (_req, res, val: object) => ({ ...val, ...logFieldsOf(res) }),
      customErrorObject: (_req, res, _err, val: object) => ({ ...val, ...logFieldsOf(res) }),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
    }),
  );

  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer({ method: req.method });
    res.on("finish", () => {
      const path = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === "string" ? `${req.baseUrl}${path}` : "unmatched";
      end({ route, status_code: res.statusCode });
    });
    // Tell keep-alive clients to reconnect elsewhere once we are shutting down.
    if (opts.isShuttingDown()) res.setHeader("Connection", "close");
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const report = await opts.readiness.check();
    const ready = report.ready && opts.isStarted() && !opts.isShuttingDown();
    res.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "not_ready",
      ...(opts.isShuttingDown() ? { reason: "shutting down" } : !opts.isStarted() ? { reason: "starting" } : {}),
      checks: report.checks,
    });
  });
  app.get("/metrics", async (_req, res) => {
    res.setHeader("Content-Type", opts.registry.contentType);
    res.end(await opts.registry.metrics());
  });

  app.use((_req: Request, _res: Response, next: NextFunction) => {
    if (opts.isStarted()) return next();
    next(new UnavailableError("the service is starting (waiting for NATS); retry shortly", { retryAfterMs: 5000 }));
  });
  app.use(opts.router);

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new NotFoundError(`no route for ${req.method} ${req.path}`));
  });

  // Every error answer of every service is rendered here, from the error hierarchy (see http-errors.ts).
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const answer = errorResponse(err);
    if (answer) return sendError(req, res, answer);
    req.log.error({ err }, "unhandled error");
    sendError(req, res, INTERNAL_ERROR_RESPONSE);
  });
  return app;
}

/** What a handler put in `res.locals.logFields`, for its one access-log line. */
function logFieldsOf(res: unknown): Record<string, unknown> | undefined {
  return (res as express.Response).locals?.logFields as Record<string, unknown> | undefined;
}
