import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Prometheus metrics for everything that flows through the bus, labelled by subject or consumer. */
export class BusMetrics {
  readonly published: Counter<"subject" | "result">;
  readonly publishSeconds: Histogram<"subject">;
  readonly consumed: Counter<"consumer" | "subject">;
  readonly acked: Counter<"consumer">;
  readonly nacked: Counter<"consumer">;
  readonly deadLettered: Counter<"consumer" | "reason">;
  readonly handlerSeconds: Histogram<"consumer" | "outcome">;
  readonly inFlight: Gauge<"consumer">;
  readonly handlerTimeouts: Counter<"consumer">;
  readonly abandonedHandlers: Gauge<"consumer">;
  readonly consumerUp: Gauge<"consumer">;
  readonly consumerRecoveries: Counter<"consumer">;
  readonly delayedScheduled: Counter<"task">;
  readonly delayedDeferred: Counter<"consumer">;
  readonly leaseOps: Counter<"bucket" | "op" | "result">;
  readonly onceCalls: Counter<"consumer" | "outcome">;
  readonly connected: Gauge;
  readonly pendingPublishes: Gauge;
  /** Read at scrape time: setting a gauge on every publish and ack costs more than the whole ack handling. */
  pendingPublishesSource: () => number = () => 0;

  constructor(registry: Registry) {
    const registers = [registry];
    this.published = new Counter({
      name: "vigil_bus_published_total",
      help: "Messages published to JetStream, by subject and result (ok, duplicate, error)",
      labelNames: ["subject", "result"],
      registers,
    });
    this.publishSeconds = new Histogram({
      name: "vigil_bus_publish_seconds",
      help: "Time from publish to JetStream acknowledgement",
      labelNames: ["subject"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    });
    this.consumed = new Counter({
      name: "vigil_bus_consumed_total",
      help: "Messages delivered to a consumer (including redeliveries)",
      labelNames: ["consumer", "subject"],
      registers,
    });
    this.acked = new Counter({ name: "vigil_bus_acked_total", help: "Messages acknowledged", labelNames: ["consumer"], registers });
    this.nacked = new Counter({
      name: "vigil_bus_nacked_total",
      help: "Messages negatively acknowledged for a later retry",
      labelNames: ["consumer"],
      registers,
    });
    this.deadLettered = new Counter({
      name: "vigil_bus_dead_lettered_total",
      help: "Messages sent to the dead-letter subject, by reason",
      labelNames: ["consumer", "reason"],
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: "vigil_bus_handler_seconds",
      help: "Handler duration by outcome (ack, nak, dead_letter)",
      labelNames: ["consumer", "outcome"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.inFlight = new Gauge({ name: "vigil_bus_in_flight", help: "Messages being handled now", labelNames: ["consumer"], registers });
    this.handlerTimeouts = new Counter({
      name: "vigil_bus_handler_timeouts_total",
      help: "Handlers that ran past their consumer's handlerTimeoutMs (their slot was released, the message nak'd or dead-lettered)",
      labelNames: ["consumer"],
      registers,
    });
    this.abandonedHandlers = new Gauge({
      name: "vigil_bus_abandoned_handlers",
      help: "Handlers given up on (deadline or shutdown) whose promise has not settled yet",
      labelNames: ["consumer"],
      registers,
    });
    this.consumerUp = new Gauge({
      name: "vigil_bus_consumer_up",
      help: "1 while the durable consumer exists and is being pulled; 0 while it is being re-created",
      labelNames: ["consumer"],
      registers,
    });
    this.consumerRecoveries = new Counter({
      name: "vigil_bus_consumer_recoveries_total",
      help: "Durable consumers re-created after their stream or consumer disappeared",
      labelNames: ["consumer"],
      registers,
    });
    this.delayedScheduled = new Counter({
      name: "vigil_bus_delayed_scheduled_total",
      help: "Delayed tasks scheduled (first attempts and retries)",
      labelNames: ["task"],
      registers,
    });
    this.delayedDeferred = new Counter({
      name: "vigil_bus_delayed_deferred_total",
      help: "Deliveries of delayed tasks handed back to the server because they were not due yet",
      labelNames: ["consumer"],
      registers,
    });
    this.leaseOps = new Counter({
      name: "vigil_bus_lease_operations_total",
      help: "Lease operations (acquire, renew, release) by result (ok, held, lost, error)",
      labelNames: ["bucket", "op", "result"],
      registers,
    });
    this.onceCalls = new Counter({
      name: "vigil_bus_once_total",
      help: "Idempotent effects by outcome (ran, reused: already done, busy: running elsewhere)",
      labelNames: ["consumer", "outcome"],
      registers,
    });
    this.connected = new Gauge({ name: "vigil_bus_connected", help: "1 while connected to NATS", registers });
    this.pendingPublishes = new Gauge({
      name: "vigil_bus_pending_publishes",
      help: "Publishes waiting for a JetStream acknowledgement",
      registers,
      collect: () => this.pendingPublishes.set(this.pendingPublishesSource()),
    });
  }
}
