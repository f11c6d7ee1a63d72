// Each tick: one node sample from /proc and /sys, into the 15-minute history, out to /stream clients, the
// Prometheus gauges and JetStream.
import { type NodeSampleMessage, topics } from "@vigil/contracts";
import type { Logger } from "pino";
import type { NodeGauges } from "./node-gauges.js";
import type { CollectorMetrics } from "./metrics.js";
import { Periodic } from "./periodic.js";
import type { SamplePublisher } from "./sample-publisher.js";
import type { SseHub } from "./sse-hub.js";
import type { TimeRing } from "@vigil/bus";

/** What the sampler yields: the message without its envelope fields. */
export type NodeSampleBody = Omit<NodeSampleMessage, "id" | "correlationId">;

export interface NodeSamplingOptions {
  node: string;
  intervalMs: number;
  sampler: { sample(): NodeSampleBody };
  /** JSON text per sample: a 2.6 kB string instead of an object graph several times that size, times 900. */
  ring: TimeRing<string>;
  hub: SseHub;
  gauges: NodeGauges;
  publisher: SamplePublisher;
  metrics: CollectorMetrics;
  log: Logger;
}

export const NODE_SAMPLE_EVENT = "node_sample";

export function nodeSampling(o: NodeSamplingOptions): Periodic {
  let lastId = 0;
  return new Periodic({
    intervalMs: o.intervalMs,
    run: () => {
      const end = o.metrics.sampleDuration.startTimer({ kind: "node" });
      const body = o.sampler.sample();
      end();
      const at = Date.parse(body.ts);
      // The sample time in ms is its SSE id: unique per node, and meaningful across collector restarts.
      const id = Math.max(at, lastId + 1);
      lastId = id;
      const message: NodeSampleMessage = { id: `node-sample:${o.node}:${at}`, correlationId: `node:${o.node}`, ...body };
      o.metrics.samples.inc({ kind: "node" });
      o.metrics.lastSample.set({ kind: "node" }, at / 1000);
      const entry = { id, at, value: JSON.stringify(message) };
      if (o.ring.push(entry.id, at, entry.value)) o.hub.broadcast("stats", NODE_SAMPLE_EVENT, entry);
      o.metrics.historyItems.set({ scope: "stats" }, o.ring.size);
      o.gauges.update(message);
      o.publisher.publish("node", topics.nodeMetrics, message);
    },
    onError: (err) => {
      o.metrics.sampleErrors.inc({ kind: "node", source: "sampler" });
      o.log.error({ err }, "node sample failed");
    },
    onSkip: () => o.log.warn({ intervalMs: o.intervalMs }, "node sample overran its interval; skipping a tick"),
  });
}
