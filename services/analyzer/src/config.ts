// The analyzer's environment, on top of the service kit's (NATS_URL, PORT, LOG_LEVEL, ...). Time spans are
// Go-style durations (`500ms`, `30m`, `1h`), as the seed and SREs write them; the kit reports every problem at
// once, with the variable and the value it got. Kubernetes access is not configured here: @vigil/kube's
// loadKubeConfig() reads KUBECONFIG, then ~/.kube/config, then the pod's service account, as kubectl does.
import { type AnalysisSettings, defaultAnalysisSettings } from "@vigil/analysis";
import { durationMs } from "@vigil/contracts";
import { z } from "zod";

/** A Go-style duration within bounds, in milliseconds; `fallback` is what an unset variable means. */
const duration = (fallback: string, min: { ms: number; text: string }, max: { ms: number; text: string }) =>
  durationMs
    .refine((ms) => ms >= min.ms, `must be at least ${min.text}`)
    .refine((ms) => ms <= max.ms, `must be at most ${max.text}`)
    .prefault(fallback); // parsed like a set value, so the default is written as an operator would write it

const MS = { ms: 1, text: "1ms" };
const SECOND = { ms: 1000, text: "1s" };
const MINUTE = { ms: 60_000, text: "1m" };
const DAY = { ms: 86_400_000, text: "24h" };

export const analyzerConfigShape = {
  /** Deadline of every REST request: past it the answer is 504 REQUEST_TIMEOUT (the seed's 500 ms). */
  REQUEST_TIMEOUT: duration("500ms", MS, { ms: 60_000, text: "60s" }),
  /** Restarts above which a pod counts as erroring in `/namespace/{ns}/error` and the pod analyzers. */
  POD_RESTART_THRESHOLD: z.coerce.number().int().min(0).default(5),
  /** Alerts about one owning workload or node within this window are one incident. */
  ANALYZER_INCIDENT_WINDOW: duration("30m", MINUTE, DAY),
  /**
   * An alert joining an open incident whose previous alert is at least this old (cluster time) starts a new burst
   * and gets a new diagnosis; alerts closer together share the diagnosis made when their burst began.
   */
  ANALYZER_REDIAGNOSE_AFTER: duration("5m", SECOND, DAY),
  /** How much node telemetry (collector samples) is kept per node. */
  ANALYZER_TELEMETRY_WINDOW: duration("15m", MINUTE, DAY),
  /** How much kernel evidence (OOM kills, swap stalls...) is kept per node. */
  ANALYZER_KERNEL_EVENT_WINDOW: duration("1h", MINUTE, DAY),
  /** How often metrics.k8s.io usage is polled into the usage cache. */
  USAGE_POLL_INTERVAL: duration("15s", SECOND, { ms: 10 * 60_000, text: "10m" }),
  /** Alerts diagnosed at the same time. */
  ANALYZER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
};

export type AnalyzerConfig = z.infer<z.ZodObject<typeof analyzerConfigShape>>;

/** What analyses read of the configuration (the rest of AnalysisSettings keeps its defaults). */
export function analysisSettingsFrom(config: Pick<AnalyzerConfig, "POD_RESTART_THRESHOLD">): AnalysisSettings {
  return { ...defaultAnalysisSettings, restartThreshold: config.POD_RESTART_THRESHOLD };
}
