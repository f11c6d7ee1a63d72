import { randomUUID } from "node:crypto";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { Histogram, type Registry } from "prom-client";
import { HttpError, sendError } from "./http-errors.js";
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
      customSuccessObject: (_req, res, val) => ({ ...val, ...(res as unknown as express.Response).locals?.logFields }),
      customErrorObject: (_req, res, _err, val) => ({ ...val, ...(res as unknown as express.Response).locals?.logFields }),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
    }),
  );

  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer({ method: req.method });
    res.on("finish", () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
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

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (opts.isStarted()) return next();
    res.setHeader("Retry-After", "5");
    sendError(req, res, "SERVICE_UNAVAILABLE", "the service is starting (waiting for NATS); retry shortly");
  });
  app.use(opts.router);

  app.use((req: Request, res: Response) => {
    sendError(req, res, "RESOURCE_NOT_FOUND", `no route for ${req.method} ${req.path}`);
  });

  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      return sendError(req, res, err.code, err.message, err.details);
    }
    req.log.error({ err }, "unhandled error");
    sendError(req, res, "INTERNAL_ERROR", "internal error; see the service log for this request id");
  });
  return app;
}
