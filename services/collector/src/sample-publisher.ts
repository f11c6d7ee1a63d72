// Publishes samples without holding up the sampling cadence: a publish that fails (NATS away, JetStream
// full) is counted and logged at most once a minute; the sample stays in the local history either way.
import type { Bus } from "@vigil/bus";
import type { MessageOf, Topic } from "@vigil/contracts";
import type { Logger } from "pino";
import type { CollectorMetrics } from "./metrics.js";

export class SamplePublisher {
  private failedSinceLog = 0;
  private lastLog = 0;

  constructor(
    private readonly bus: Bus,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
    private readonly enabled: boolean,
  ) {}

  publish<T extends Topic>(kind: string, topic: T, message: MessageOf<T>): void {
    if (!this.enabled) return;
    // The samplers' output is checked against these schemas by their tests (fixtures, edge cases, this host, a
    // CRI server): at 1 Hz on every node the bus's second check would be a tenth of the collector's CPU.
    this.bus.publish(topic, message, { skipSchemaCheck: true }).catch((err: unknown) => {
      this.metrics.publishFailures.inc({ kind });
      this.failedSinceLog++;
      const now = Date.now();
      if (now - this.lastLog < 60_000) return;
      this.log.warn({ err, kind, failed: this.failedSinceLog }, "samples not published to JetStream; they stay in /history");
      this.lastLog = now;
      this.failedSinceLog = 0;
    });
  }
}
