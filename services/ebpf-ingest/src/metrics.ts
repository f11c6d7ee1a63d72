// What flows through ebpf-ingest: events in by transport and type, what was stored, deduplicated or refused,
// and how long JetStream took to acknowledge.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export class IngestMetrics {
  readonly received: Counter<"transport">;
  readonly accepted: Counter<"type" | "source">;
  readonly duplicates: Counter<"type">;
  readonly rejected: Counter<"transport">;
  readonly publishSeconds: Histogram;
  readonly batchSize: Histogram<"transport">;
  readonly tracers: Gauge<"tracer" | "state">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.received = new Counter({
      name: "vigil_ingest_events_received_total",
      help: "Events received, by transport (http, grpc, bpftrace, cgroup)",
      labelNames: ["transport"],
      registers,
    });
    this.accepted = new Counter({
      name: "vigil_ingest_events_published_total",
      help: "Events stored in JetStream for the first time, by type and source",
      labelNames: ["type", "source"],
      registers,
    });
    this.duplicates = new Counter({
      name: "vigil_ingest_events_duplicate_total",
      help: "Events JetStream already had (retried sends), by type",
      labelNames: ["type"],
      registers,
    });
    this.rejected = new Counter({
      name: "vigil_ingest_events_rejected_total",
      help: "Events refused by validation, by transport",
      labelNames: ["transport"],
      registers,
    });
    this.publishSeconds = new Histogram({
      name: "vigil_ingest_publish_seconds",
      help: "Time from receiving a batch to JetStream acknowledging all of it",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.batchSize = new Histogram({
      name: "vigil_ingest_batch_events",
      help: "Events per request or stream batch",
      labelNames: ["transport"],
      buckets: [1, 5, 20, 100, 500, 2000, 10000],
      registers,
    });
    this.tracers = new Gauge({
      name: "vigil_ingest_tracer_state",
      help: "1 for each tracer's current state (running, restarting, skipped, failed, disabled)",
      labelNames: ["tracer", "state"],
      registers,
    });
  }
}
