// The analyzer: alerts → incidents → evidence-backed diagnoses, and the cluster-analysis REST API on 8081.
// Everything it reads comes from caches kept current in the background: the cluster (ClusterCache, list +
// watch), resource usage (UsageCache, polled), node telemetry and kernel events (bounded windows fed from
// JetStream), and incidents (a KV watch). Neither an alert nor a request waits on the API server.
import { type AnalysisContext, DiagnosisMemory } from "@vigil/analysis";
import { RetryableError } from "@vigil/bus";
import { kvBuckets, streams } from "@vigil/contracts";
import { ClusterCache, findKubeConfig, UsageCache } from "@vigil/kube";
import { ConfigError, type ServiceDefinition, settlesWithin } from "@vigil/service";
import { ApiMetrics } from "./api/api-metrics.js";
import { apiRouter } from "./api/router.js";
import { apiRoutes } from "./api/routes/index.js";
import { ANALYZER_CACHED_KINDS } from "./cached-kinds.js";
import { analysisSettingsFrom, analyzerConfigShape } from "./config.js";
import { AnalyzerMetrics } from "./metrics.js";
import { AlertPipeline } from "./pipeline/alert-pipeline.js";
import { IncidentMirror } from "./pipeline/incident-mirror.js";
import { IncidentStore } from "./pipeline/incident-store.js";
import { libraryAnalysis } from "./pipeline/library-analysis.js";
import { startTelemetry } from "./pipeline/telemetry.js";

/** How long resolved incidents stay in `/api/v1/incidents` (KV keeps them 30 days). */
const RESOLVED_INCIDENT_RETENTION_MS = 24 * 60 * 60_000;
/** How long start-up waits for the caches before consuming alerts anyway (the handler then retries until they sync). */
const CACHE_SYNC_WAIT_MS = 60_000;
/** How long start-up waits for the first usage poll (metrics-server, kubelet volume stats) before consuming alerts. */
const USAGE_FIRST_POLL_WAIT_MS = 15_000;
/** A diagnosis from half-synced caches would report present objects as missing: wait this long, then try again. */
const UNSYNCED_RETRY_MS = 2_000;

export const analyzerService: ServiceDefinition<typeof analyzerConfigShape> = {
  name: "analyzer",
  defaultPort: 8081,
  config: analyzerConfigShape,
  streams: [streams.alerts, streams.incidents, streams.analysis, streams.metrics, streams.kernelEvents, streams.deadLetters],
  // Checked with the environment, before NATS: without cluster access the service is misconfigured, not waiting.
  checkConfig: () => kubeConfigProblems(),
  async setup({ config, bus, router, registry, readiness, log, onShutdown }) {
    const found = findKubeConfig();
    if (!found.kubeConfig) throw new ConfigError(kubeConfigProblems());
    log.info({ kubeconfig: found.source, server: found.server }, "cluster access");

    const cache = new ClusterCache({ kubeConfig: found.kubeConfig, kinds: ANALYZER_CACHED_KINDS, log, registry });
    cache.start();
    readiness.add("kube-caches", () => cache.cachesSynced());
    onShutdown(() => cache.stop());

    const usage = new UsageCache({
      client: cache.client,
      nodes: () => cache.store("Node").list(),
      intervalMs: config.USAGE_POLL_INTERVAL,
      registry,
      log,
    });
    onShutdown(() => usage.stop());

    const metrics = new AnalyzerMetrics(registry);
    const telemetry = startTelemetry({ bus, config, log, metrics, readiness, onShutdown });

    const settings = analysisSettingsFrom(config);
    const analysisContext = (): AnalysisContext => ({ cache, now: cache.clock.now(), telemetry, usage, settings });

    const diagnoses = new DiagnosisMemory();
    // Open incidents are kept for the incident window after their last alert; resolved ones are listed for a day.
    diagnoses.follow(bus, log, Math.max(RESOLVED_INCIDENT_RETENTION_MS, config.ANALYZER_INCIDENT_WINDOW));
    onShutdown(() => diagnoses.stop());
    readiness.add("diagnoses", () => diagnoses.loaded || "diagnoses not read back yet");
    const kv = await bus.kv(kvBuckets.incidents);
    const mirror = new IncidentMirror(kv, diagnoses, log, RESOLVED_INCIDENT_RETENTION_MS, () => cache.clock.now());
    await mirror.start();
    onShutdown(() => mirror.stop());
    readiness.add("incidents", () => mirror.loaded || "incidents not loaded yet");

    router.use(
      apiRouter(apiRoutes, () => ({ ...analysisContext(), incidents: mirror }), {
        requestTimeoutMs: config.REQUEST_TIMEOUT,
        metrics: new ApiMetrics(registry),
      }),
    );

    const store = new IncidentStore(kv, { windowMs: config.ANALYZER_INCIDENT_WINDOW, rediagnoseAfterMs: config.ANALYZER_REDIAGNOSE_AFTER });
    const pipeline = new AlertPipeline({
      bus,
      store,
      mirror,
      diagnoses,
      metrics,
      analysis: libraryAnalysis(log),
      context: () => {
        const synced = cache.cachesSynced();
        if (synced !== true) throw new RetryableError(`not diagnosing yet: ${synced}`, { retryAfterMs: UNSYNCED_RETRY_MS });
        return analysisContext();
      },
    });
    if (!(await cache.waitForSync(CACHE_SYNC_WAIT_MS))) {
      log.warn({ caches: cache.cachesSynced() }, "caches not synced yet; alerts wait (retried) until they are");
    }
    // The volume-stats poll asks the kubelets of the cached Ready nodes: started before the Node cache synced, its
    // first round would ask none, and a PVC filling up would read as healthy until the next round (a minute later).
    void usage.start();
    if (!(await settlesWithin(usage.ready, USAGE_FIRST_POLL_WAIT_MS)))
      log.warn("usage not polled yet; diagnoses say usage is unavailable until it is");
    await pipeline.start(config.ANALYZER_CONCURRENCY);
  },
};

/** What to set when no cluster access is found (KUBECONFIG, ~/.kube/config, a pod's service account). */
function kubeConfigProblems(): string[] {
  const found = findKubeConfig();
  if (found.kubeConfig) return [];
  return [
    `KUBECONFIG: the analyzer reads the cluster and found no access (${found.reason}); set KUBECONFIG to a kubeconfig file, or run it in a pod with a service account`,
  ];
}
