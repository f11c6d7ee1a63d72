import { alertmanagerWebhook, type AlertmanagerWebhook, topics } from "@vigil/contracts";
import { type Bus, describeZodError, isUnavailable } from "@vigil/bus";
import { type AuthConfig, bodyErrors, HttpError, methodNotAllowed, requireAuth, sendData } from "@vigil/service";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { type Matcher, matchesAll } from "./matchers.js";
import type { WebhookMetrics } from "./metrics.js";
import { normalizeAlert } from "./normalize.js";

export interface AlertsRouteOptions {
  bus: Bus;
  metrics: WebhookMetrics;
  auth: AuthConfig;
  maxBodyBytes: number;
  filter: readonly Matcher[];
}

interface AlertFailure {
  fingerprint: string;
  alertname: string;
  error: string;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const [mediaType = "", ...params] = (req.headers["content-type"] ?? "").split(";").map((s) => s.trim());
  const charset = params.find((p) => p.toLowerCase().startsWith("charset="))?.slice(8).replace(/"/g, "");
  if (!JSON_TYPE.test(mediaType)) {
    return next(new HttpError("UNSUPPORTED_MEDIA_TYPE", `expected Content-Type application/json, got ${mediaType || "none"}`));
  }
  if (charset && !/^utf-?8$/i.test(charset)) return next(new HttpError("UNSUPPORTED_MEDIA_TYPE", `unsupported charset ${charset}; send UTF-8`));
  next();
}

function parsePayload(body: unknown): AlertmanagerWebhook {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new HttpError("BAD_REQUEST", "empty body: expected an Alertmanager webhook payload");
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new HttpError("BAD_REQUEST", `invalid JSON: ${(err as Error).message}`);
  }
  const parsed = alertmanagerWebhook.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.slice(0, 20).map((i) => ({ field: i.path.join(".") || "(root)", message: i.message }));
    throw new HttpError("BAD_REQUEST", `invalid Alertmanager payload: ${describeZodError(parsed.error)}`, { fields });
  }
  return parsed.data;
}

/** `POST /alerts`: Alertmanager webhook → normalized alerts on JetStream; 200 only once every alert is stored. */
export function alertsRouter(opts: AlertsRouteOptions): Router {
  const router = express.Router();
  const { bus, metrics } = opts;

  router.post(
    "/alerts",
    requireAuth(opts.auth),
    requireJson,
    express.raw({ type: () => true, limit: opts.maxBodyBytes }),
    bodyErrors,
    async (req: Request, res: Response) => {
      const payload = parsePayload(req.body);
      const receivedAt = new Date().toISOString();
      if (payload.truncatedAlerts > 0) {
        metrics.truncated.inc(payload.truncatedAlerts);
        req.log.warn({ truncatedAlerts: payload.truncatedAlerts, groupKey: payload.groupKey }, "Alertmanager truncated this notification (receiver max_alerts)");
      }
      let published = 0;
      let duplicates = 0;
      let filtered = 0;
      let unavailable = false;
      const failures: AlertFailure[] = [];
      await Promise.all(
        payload.alerts.map(async (alert) => {
          const labels = { alertname: alert.labels.alertname ?? "", status: alert.status };
          metrics.received.inc(labels);
          if (opts.filter.length > 0 && !matchesAll(opts.filter, alert.labels)) {
            filtered++;
            metrics.filtered.inc(labels);
            return;
          }
          const message = normalizeAlert(alert, payload, receivedAt);
          try {
            const ack = await bus.publish(topics.alerts, message);
            if (ack.duplicate) {
              duplicates++;
              metrics.duplicate.inc(labels);
            } else {
              published++;
              metrics.published.inc(labels);
            }
            req.log.debug({ correlationId: message.correlationId, msgId: message.id, duplicate: ack.duplicate, seq: ack.seq }, "alert stored");
          } catch (err) {
            unavailable ||= isUnavailable(err);
            metrics.failed.inc(labels);
            failures.push({ fingerprint: message.fingerprint, alertname: message.alertname, error: (err as Error).message });
          }
        }),
      );
      const summary = { received: payload.alerts.length, published, duplicates, filtered };
      res.locals.logFields = { alerts: summary, groupKey: payload.groupKey, ...(failures.length ? { failures } : {}) };
      if (failures.length > 0) {
        // Never hide a partial failure: Alertmanager retries the whole notification, and what was stored dedupes.
        throw new HttpError(
          unavailable ? "SERVICE_UNAVAILABLE" : "INTERNAL_ERROR",
          `${failures.length} of ${payload.alerts.length} alerts were not stored in JetStream; retry the notification (stored alerts are deduplicated)`,
          { ...summary, failed: failures },
          unavailable ? { "Retry-After": "5" } : {},
        );
      }
      sendData(req, res, summary);
    },
  );
  router.all("/alerts", methodNotAllowed("POST"));
  return router;
}
