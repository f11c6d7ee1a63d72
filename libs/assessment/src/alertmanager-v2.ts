// Which alerts Alertmanager has firing right now (GET /api/v2/alerts), for the alert component when ALERTMANAGER_URL
// is configured: the alerts seen on vigil.alerts.* may miss a resolved notification, Alertmanager's own state does not.
// Silenced and inhibited alerts are included by default: a silence hides an alert, it does not resolve it, and
// counting a silenced alert as resolved is the very bug (firing counted as resolved) this component exists to avoid.
import { createMatcher, resolveNamespace } from "@vigil/alertmanager";
import { z } from "zod";
import type { ActiveAlert } from "./assessment-context.js";

/** The fields Vigil reads of Alertmanager's gettableAlert (OpenAPI v2); the rest is ignored. */
const gettableAlert = z.object({
  fingerprint: z.string().min(1),
  labels: z.record(z.string(), z.string()),
  startsAt: z.iso.datetime({ offset: true }),
  status: z.object({ state: z.string() }).optional(),
});
const gettableAlerts = z.array(gettableAlert);

export interface AlertmanagerV2Options {
  /** Base URL, e.g. http://alertmanager.monitoring:9093 (a path prefix such as /alertmanager is kept). */
  url: string;
  /** Per request (default 5 s): an assessment must not hang on an unreachable Alertmanager. */
  timeoutMs?: number;
  /** Extra headers, e.g. `authorization` for an Alertmanager behind a proxy. */
  headers?: Record<string, string>;
  /** Also report silenced and inhibited alerts (default true: they are still firing). */
  includeSuppressed?: boolean;
}

export interface ActiveAlertFilter {
  alertname?: string;
  namespace?: string;
}

export class AlertmanagerV2 {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly includeSuppressed: boolean;

  constructor(opts: AlertmanagerV2Options) {
    this.base = opts.url.replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.headers = { accept: "application/json", ...opts.headers };
    this.includeSuppressed = opts.includeSuppressed ?? true;
  }

  /** The request URL for a filter (exported for logs and tests). */
  urlFor(filter: ActiveAlertFilter): string {
    const params = new URLSearchParams({
      active: "true",
      silenced: String(this.includeSuppressed),
      inhibited: String(this.includeSuppressed),
      unprocessed: "true",
    });
    // Only alertname is matched by Alertmanager: the namespace may be in `exported_namespace` (an exporter scraped
    // without honor_labels), which a namespace="..." matcher would miss, so it is matched here as the webhook does.
    if (filter.alertname !== undefined) params.append("filter", createMatcher("=", "alertname", filter.alertname).toString());
    return `${this.base}/api/v2/alerts?${params.toString()}`;
  }

  /** Alerts firing now (not resolved), matching the filter; throws an Error saying what failed when Alertmanager cannot answer. */
  async activeAlerts(filter: ActiveAlertFilter = {}): Promise<ActiveAlert[]> {
    const url = this.urlFor(filter);
    let res: Response;
    try {
      res = await fetch(url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const why = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : describe(err);
      throw new Error(`Alertmanager ${this.base} unreachable: ${why}`, { cause: err });
    }
    if (!res.ok) {
      const body = (await res.text().catch(() => "")).slice(0, 200);
      throw new Error(`Alertmanager ${this.base} answered ${res.status} ${res.statusText} to GET /api/v2/alerts${body ? `: ${body}` : ""}`);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch (err) {
      throw new Error(`Alertmanager ${this.base} sent a body that is not JSON: ${describe(err)}`, { cause: err });
    }
    const parsed = gettableAlerts.safeParse(json);
    if (!parsed.success)
      throw new Error(`Alertmanager ${this.base} sent alerts of an unexpected shape: ${parsed.error.message.slice(0, 300)}`);
    return parsed.data
      .filter((a) => filter.alertname === undefined || a.labels["alertname"] === filter.alertname)
      .filter((a) => filter.namespace === undefined || resolveNamespace(a.labels) === filter.namespace)
      .map((a) => ({
        fingerprint: a.fingerprint,
        alertname: a.labels["alertname"] ?? "",
        labels: a.labels,
        startsAt: Date.parse(a.startsAt),
      }));
  }
}

const describe = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
};

/** The Alertmanager source of the alert component, from ALERTMANAGER_URL or full options. */
export const alertmanagerV2 = (opts: string | AlertmanagerV2Options): AlertmanagerV2 =>
  new AlertmanagerV2(typeof opts === "string" ? { url: opts } : opts);
