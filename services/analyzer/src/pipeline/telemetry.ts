// Node telemetry for the analyses: collector samples and kernel events kept as bounded windows per node
// (NodeTelemetry), fed from JetStream by feeds that start one window back, so a restarted analyzer has its
// windows again at once. Ready once each feed has delivered what its window held at start.
import { NodeTelemetry, startTelemetryFeeds } from "@vigil/analysis";
import type { Bus } from "@vigil/bus";
import type { Readiness } from "@vigil/service";
import type { Logger } from "pino";
import type { AnalyzerConfig } from "../config.js";
import type { AnalyzerMetrics } from "../metrics.js";

export interface TelemetryDeps {
  bus: Bus;
  config: Pick<AnalyzerConfig, "ANALYZER_TELEMETRY_WINDOW" | "ANALYZER_KERNEL_EVENT_WINDOW">;
  log: Logger;
  metrics: AnalyzerMetrics;
  readiness: Readiness;
  onShutdown: (hook: () => Promise<void> | void) => void;
}

export function startTelemetry({ bus, config, log, metrics, readiness, onShutdown }: TelemetryDeps): NodeTelemetry {
  const telemetry = new NodeTelemetry({
    samplesWindowMs: config.ANALYZER_TELEMETRY_WINDOW,
    kernelEventsWindowMs: config.ANALYZER_KERNEL_EVENT_WINDOW,
  });
  const feeds = startTelemetryFeeds(bus, telemetry, {
    log,
    onInvalid: (topic) => metrics.telemetryInvalid.inc({ topic }),
    onMessage: (topic, kept) => metrics.telemetryMessages.inc({ topic, kept: String(kept) }),
  });
  readiness.add("telemetry", () => feeds.caughtUp() || "telemetry windows still loading from JetStream");
  onShutdown(() => feeds.stop());
  return telemetry;
}
