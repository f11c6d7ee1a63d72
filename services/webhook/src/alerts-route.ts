import type { Matcher } from "@vigil/alertmanager";
import type { Bus } from "@vigil/bus";
import { type AuthConfig, bodyErrors, errorResponse, methodNotAllowed, requireAuth, sendData } from "@vigil/service";
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import type { WebhookMetrics } from "./metrics.js";
import { parsePayload, requireJson } from "./parse-payload.js";
import { notStoredError, publishAlerts } from "./publish-alerts.js";

export interface AlertsRouteOptions {
  bus: Bus;
  metrics: WebhookMetrics;
  auth: AuthConfig;
  maxBodyBytes: number;
  filter: readonly Matcher[];
}

/** `POST /alerts`: Alertmanager webhook → normalized alerts on JetStream; 200 only once every alert is stored. */
export function alertsRouter(opts: AlertsRouteOptions): Router {
  const router = express.Router();
  router.post(
    "/alerts",
    requireAuth(opts.auth),
    requireJson,
    express.raw({ type: () => true, limit: opts.maxBodyBytes }),
    bodyErrors,
    async (req: Request, res: Response) => {
      const payload = parsePayload(req.body);
      const result = await publishAlerts(payload, { ...opts, log: req.log });
      const { summary, failures } = result;
      res.locals.logFields = { alerts: summary, groupKey: payload.groupKey, ...(failures.length ? { failures } : {}) };
      if (failures.length > 0) throw notStoredError(result);
      sendData(req, res, summary);
    },
  );
  router.all("/alerts", methodNotAllowed("POST"));
  router.use(countRejections(opts.metrics));
  return router;
}

/** Counts the requests refused with a 4xx (auth, method, media type, size, payload) by reason; the kit answers them. */
function countRejections(metrics: WebhookMetrics): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    const answer = errorResponse(err);
    if (answer && answer.status < 500) metrics.rejectedRequests.inc({ reason: answer.code.toLowerCase() });
    next(err);
  };
}
