// The collector's own metrics: what it sampled, how long that took, what failed, and who is listening.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export class CollectorMetrics {
  readonly samples: Counter<"kind">;
  readonly sampleDuration: Histogram<"kind">;
  readonly sampleErrors: Counter<"kind" | "source">;
  readonly publishFailures: Counter<"kind">;
  readonly lastSample: Gauge<"kind">;
  readonly historyItems: Gauge<"scope">;
  readonly kernelEvents: Counter<"type">;
  readonly kernelEventsInvalid: Counter;
  readonly sseClients: Gauge<"scope">;
  readonly sseEvents: Counter<"scope">;
  readonly sseDropped: Counter<"scope">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.samples = new Counter({
      name: "vigil_collector_samples_total",
      help: "Samples taken, by kind (node, pods)",
      labelNames: ["kind"],
      registers,
    });
    this.sampleDuration = new Histogram({
      name: "vigil_collector_sample_duration_seconds",
      help: "Wall time to take one sample, by kind",
      labelNames: ["kind"],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.sampleErrors = new Counter({
      name: "vigil_collector_sample_errors_total",
      help: "Failed reads or runtime calls while sampling (the sample is partial, not lost), by kind and source",
      labelNames: ["kind", "source"],
      registers,
    });
    this.publishFailures = new Counter({
      name: "vigil_collector_publish_failures_total",
      help: "Samples not acknowledged by JetStream",
      labelNames: ["kind"],
      registers,
    });
    this.lastSample = new Gauge({
      name: "vigil_collector_last_sample_timestamp_seconds",
      help: "When the last sample was taken",
      labelNames: ["kind"],
      registers,
    });
    this.historyItems = new Gauge({
      name: "vigil_collector_history_items",
      help: "Items held in the in-memory history, by scope",
      labelNames: ["scope"],
      registers,
    });
    this.kernelEvents = new Counter({
      name: "vigil_collector_kernel_events_total",
      help: "Kernel events of this node read from JetStream, by type",
      labelNames: ["type"],
      registers,
    });
    this.kernelEventsInvalid = new Counter({
      name: "vigil_collector_kernel_events_invalid_total",
      help: "Kernel events skipped because they failed validation",
      registers,
    });
    this.sseClients = new Gauge({
      name: "vigil_collector_sse_clients",
      help: "Open /stream connections, by scope",
      labelNames: ["scope"],
      registers,
    });
    this.sseEvents = new Counter({
      name: "vigil_collector_sse_events_total",
      help: "Events written to /stream clients, by scope",
      labelNames: ["scope"],
      registers,
    });
    this.sseDropped = new Counter({
      name: "vigil_collector_sse_dropped_clients_total",
      help: "/stream clients disconnected for not reading",
      labelNames: ["scope"],
      registers,
    });
  }
}
