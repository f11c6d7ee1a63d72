// Prometheus metrics of API requests. Several clients (a service's cache and its writer, say) may share one
// registry: a metric already registered there is reused rather than registered twice.
import { Counter, Histogram, type Registry } from "prom-client";

export class RequestMetrics {
  readonly requests: Counter<"verb" | "resource" | "code">;
  readonly seconds: Histogram<"verb" | "resource">;

  constructor(registry: Registry) {
    this.requests = reuse(
      registry,
      "vigil_kube_requests_total",
      () =>
        new Counter({
          name: "vigil_kube_requests_total",
          help: "Kubernetes API requests by verb, resource and HTTP status (0: no answer)",
          labelNames: ["verb", "resource", "code"],
          registers: [registry],
        }),
    );
    this.seconds = reuse(
      registry,
      "vigil_kube_request_seconds",
      () =>
        new Histogram({
          name: "vigil_kube_request_seconds",
          help: "Kubernetes API request duration (watches excluded)",
          labelNames: ["verb", "resource"],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers: [registry],
        }),
    );
  }
}

/** The metric named `name` in `registry`, created by `make` the first time. */
export function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
