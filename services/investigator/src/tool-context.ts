// What the investigation tools read, kept current in the background: the cluster (ClusterCache over the kinds
// analyses need, list + watch), resource usage (UsageCache, polled), node telemetry and kernel events (bounded
// windows fed from JetStream, as the analyzer keeps them) and Vigil's own history (incidents, diagnoses, actions,
// effectiveness: startBusLookups). The investigator service and the stdio MCP entry both start it, so the agent
// and every MCP client read the same state the same way; no tool call waits on a list from the API server.
import { ANALYSIS_CACHED_KINDS, type AnalysisContext, defaultAnalysisSettings, NodeTelemetry, startTelemetryFeeds } from "@vigil/analysis";
import type { Bus } from "@vigil/bus";
import { ClusterCache, type ClusterCacheOptions, findKubeConfig, UsageCache } from "@vigil/kube";
import { ConfigError, type Readiness, settlesWithin } from "@vigil/service";
import { startBusLookups, type ToolContext } from "@vigil/toolbox";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

/** How far back each window reaches; the defaults are the analyzer's, so a tool sees what a diagnosis saw. */
export interface ToolContextWindows {
  /** Collector samples kept per node (the analyzer's ANALYZER_TELEMETRY_WINDOW default). */
  telemetryMs: number;
  /** Kernel events kept per node (ANALYZER_KERNEL_EVENT_WINDOW). */
  kernelEventsMs: number;
  /** metrics.k8s.io poll period (USAGE_POLL_INTERVAL). */
  usagePollMs: number;
  /** Diagnoses and actions read back from JetStream: a week covers "this fix failed last time" for weekly jobs. */
  historyMs: number;
}

export const DEFAULT_TOOL_CONTEXT_WINDOWS: ToolContextWindows = {
  telemetryMs: 15 * 60_000,
  kernelEventsMs: 60 * 60_000,
  usagePollMs: 15_000,
  historyMs: 7 * 24 * 60 * 60_000,
};

export interface ToolContextOptions {
  bus: Bus;
  log: Logger;
  /** Cache and usage metrics go here (the service's registry); a private one when absent. */
  registry?: Registry;
  /** Gets one check per source (kube caches, telemetry, lookups), so /readyz says which one lags. */
  readiness?: Readiness;
  /** When given, stop() is registered here; otherwise the caller stops it. */
  onShutdown?: (hook: () => Promise<void> | void) => void;
  /** Cluster access; found like kubectl does (KUBECONFIG, ~/.kube/config, a pod's service account) when absent. */
  kubeConfig?: ClusterCacheOptions["kubeConfig"];
  windows?: Partial<ToolContextWindows>;
}

export interface StartedToolContext {
  context: ToolContext;
  cache: ClusterCache;
  /** True once every source has loaded; otherwise which ones have not. */
  ready(): true | string;
  /** Resolves true once the caches synced and the first usage poll ended, false at the deadline. */
  waitUntilSynced(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** How long the usage poller waits for the Node cache before its first round (then it starts anyway). */
const USAGE_START_WAIT_MS = 60_000;

export async function startToolContext(opts: ToolContextOptions): Promise<StartedToolContext> {
  const { bus, log, registry } = opts;
  const windows = { ...DEFAULT_TOOL_CONTEXT_WINDOWS, ...opts.windows };
  const kubeConfig = opts.kubeConfig ?? findKubeConfig().kubeConfig;
  if (!kubeConfig) throw new ConfigError(kubeConfigProblems());

  const stops: Array<() => Promise<void> | void> = [];
  let stopped = false;
  const stop = async () => {
    stopped = true;
    for (const s of stops.splice(0).reverse())
      await Promise.resolve(s()).catch((err) => log.error({ err }, "stopping a tool source failed"));
  };
  try {
    const cache = new ClusterCache({ kubeConfig, kinds: ANALYSIS_CACHED_KINDS, log, ...(registry ? { registry } : {}) });
    cache.start();
    stops.push(() => cache.stop());

    const usage = new UsageCache({
      client: cache.client,
      nodes: () => cache.store("Node").list(),
      intervalMs: windows.usagePollMs,
      log,
      ...(registry ? { registry } : {}),
    });
    stops.push(() => usage.stop());
    // The volume-stats poll asks the kubelets of cached Ready nodes: started before the Node cache synced, its
    // first round would ask none, and a full PVC would read as healthy for a minute (the analyzer waits too).
    const usagePolled = cache
      .waitForSync(USAGE_START_WAIT_MS)
      .then(() => (stopped ? undefined : usage.start()))
      .catch((err: unknown) => log.warn({ err }, "usage polling did not start"));

    const telemetry = new NodeTelemetry({ samplesWindowMs: windows.telemetryMs, kernelEventsWindowMs: windows.kernelEventsMs });
    const feeds = startTelemetryFeeds(bus, telemetry, { log });
    stops.push(() => feeds.stop());

    const lookups = await startBusLookups({ bus, log, windowMs: windows.historyMs });
    stops.push(() => lookups.stop());

    const checks: Record<string, () => true | string> = {
      "kube-caches": () => cache.cachesSynced(),
      telemetry: () => feeds.caughtUp() || "telemetry windows still loading from JetStream",
      lookups: () => lookups.ready(),
    };
    for (const [name, check] of Object.entries(checks)) opts.readiness?.add(name, check);

    const context: ToolContext = {
      cache,
      analysis: (): AnalysisContext => ({ cache, now: cache.clock.now(), telemetry, usage, settings: defaultAnalysisSettings }),
      incidents: lookups.incidents,
      diagnoses: lookups.diagnoses,
      actions: lookups.actions,
      effectiveness: lookups.effectiveness,
    };
    const started: StartedToolContext = {
      context,
      cache,
      ready() {
        const waiting = Object.entries(checks)
          .map(([name, check]) => [name, check()] as const)
          .filter(([, result]) => result !== true)
          .map(([name, result]) => `${name}: ${String(result)}`);
        return waiting.length === 0 || waiting.join("; ");
      },
      async waitUntilSynced(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        if (!(await cache.waitForSync(timeoutMs))) return false;
        return settlesWithin(usagePolled, Math.max(0, deadline - Date.now()));
      },
      stop,
    };
    opts.onShutdown?.(stop);
    return started;
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What to set when no cluster access is found. */
export function kubeConfigProblems(): string[] {
  const found = findKubeConfig();
  if (found.kubeConfig) return [];
  return [
    `KUBECONFIG: the investigator's tools read the cluster and found no access (${found.reason}); set KUBECONFIG to a kubeconfig file, or run it in a pod with a service account`,
  ];
}
