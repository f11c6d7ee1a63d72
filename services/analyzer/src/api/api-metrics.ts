import { Counter, type Registry } from "prom-client";

/**
 * What the REST API counts beyond the kit's `http_request_duration_seconds{method,route,status_code}` (which
 * already gives per-route latency and the 504s by status): requests that ran out of REQUEST_TIMEOUT, by route,
 * because a rising count on one route says which view has outgrown the deadline.
 */
export class ApiMetrics {
  readonly timeouts: Counter<"route">;

  constructor(registry: Registry) {
    this.timeouts = new Counter({
      name: "vigil_analyzer_api_timeouts_total",
      help: "REST requests answered 504 REQUEST_TIMEOUT because they exceeded REQUEST_TIMEOUT, by route",
      labelNames: ["route"],
      registers: [registry],
    });
  }
}
