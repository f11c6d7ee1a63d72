// Each tick: every pod and container on the node through the container runtime (CRI), published to JetStream.
// A runtime call that fails gives a partial sample (its error listed and counted), never no sample.
import { type PodsSampleMessage, topics } from "@vigil/contracts";
import type { Logger } from "pino";
import type { CollectorMetrics } from "./metrics.js";
import { Periodic } from "./periodic.js";
import type { SamplePublisher } from "./sample-publisher.js";

export type PodsSampleBody = Omit<PodsSampleMessage, "id" | "correlationId">;

export interface PodSamplingOptions {
  node: string;
  intervalMs: number;
  sampler: { sample(): Promise<PodsSampleBody> };
  publisher: SamplePublisher;
  metrics: CollectorMetrics;
  log: Logger;
  /** The last sample, for readiness and tests. */
  onSample?(message: PodsSampleMessage): void;
}

export function podSampling(o: PodSamplingOptions): Periodic {
  let failingSince: number | undefined;
  return new Periodic({
    intervalMs: o.intervalMs,
    run: async () => {
      const end = o.metrics.sampleDuration.startTimer({ kind: "pods" });
      const body = await o.sampler.sample();
      end();
      const at = Date.parse(body.ts);
      const message: PodsSampleMessage = { id: `pods-sample:${o.node}:${at}`, correlationId: `node:${o.node}`, ...body };
      o.metrics.samples.inc({ kind: "pods" });
      o.metrics.lastSample.set({ kind: "pods" }, at / 1000);
      for (const e of body.errors) o.metrics.sampleErrors.inc({ kind: "pods", source: e.split(":")[0] ?? "cri" });
      // Log transitions, not every failing tick.
      if (body.errors.length && failingSince === undefined) {
        failingSince = at;
        o.log.warn({ errors: body.errors, pods: body.pods.length }, "container runtime calls failing; pod samples are partial");
      } else if (!body.errors.length && failingSince !== undefined) {
        o.log.info({ failedForMs: at - failingSince }, "container runtime calls succeed again");
        failingSince = undefined;
      }
      o.onSample?.(message);
      o.publisher.publish("pods", topics.podMetrics, message);
    },
    onError: (err) => {
      o.metrics.sampleErrors.inc({ kind: "pods", source: "sampler" });
      o.log.error({ err }, "pod sample failed");
    },
    onSkip: () => o.log.warn({ intervalMs: o.intervalMs }, "pod sample overran its interval; skipping a tick"),
  });
}
