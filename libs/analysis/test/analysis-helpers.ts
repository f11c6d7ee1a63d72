// Shared by the analyzer tests: a ClusterCache on a simulated cluster, analysis contexts in cluster time, and
// a way to wait until the cache has caught up with the simulator after `sim.advance` or a write.
import type { KubernetesObject } from "@kubernetes/client-node";
import { ClusterCache, DEFAULT_CACHED_KINDS, kubeConfigFromUrl, type KindName, type KubeLogger } from "@vigil/kube";
import type { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { defaultAnalysisSettings, type AnalysisContext } from "../src/analyzer-definition.js";
import { analyzeObject, type AnalyzerFinding } from "../src/run-analyzers.js";
import { noTelemetry } from "../src/telemetry/telemetry-view.js";
import { noUsage } from "../src/usage-view.js";

export { waitFor } from "@vigil/testing";

/** Logs nothing; DEBUG_KUBE=1 shows what the cache reports. */
const silentLog: KubeLogger = process.env.DEBUG_KUBE
  ? { debug: (o, m) => console.debug(m, o), info: (o, m) => console.info(m, o), warn: (o, m) => console.warn(m, o) }
  : { debug: () => {}, info: () => {}, warn: () => {} };

/** Short backoff so a dropped watch recovers within a test's patience. */
const FAST = { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 2_000 };

export interface AnalysisHarness {
  cache: ClusterCache;
  /** A fresh context: now = the cache's cluster clock at this call; the rest from the options. */
  ctx(overrides?: Partial<Omit<AnalysisContext, "cache">>): AnalysisContext;
  /** Resolves once every cached kind holds exactly what the simulator holds (same objects, same resourceVersions). */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Advances the simulator's virtual clock, then waits for the cache to catch up. */
  advance(duration: string | number): Promise<void>;
  stop(): Promise<void>;
}

export interface AnalysisHarnessOptions extends Partial<Omit<AnalysisContext, "cache" | "now">> {
  kinds?: readonly KindName[];
  syncTimeoutMs?: number;
}

const versionsOf = (objects: readonly KubernetesObject[]): string =>
  objects
    .map((o) => `${o.metadata?.uid}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(",");

/** Starts a ClusterCache on the simulator (DEFAULT_CACHED_KINDS unless `kinds`), waits for its sync and catch-up. */
export async function analysisContextFor(sim: KubeSim, opts: AnalysisHarnessOptions = {}): Promise<AnalysisHarness> {
  const { kinds, syncTimeoutMs, ...defaults } = opts;
  const cache = new ClusterCache({
    kubeConfig: kubeConfigFromUrl(sim.url),
    kinds: kinds ?? DEFAULT_CACHED_KINDS,
    log: silentLog,
    reflector: FAST,
  });
  cache.start();
  if (!(await cache.waitForSync(syncTimeoutMs ?? 15_000))) {
    await cache.stop();
    throw new Error(`caches did not sync: ${JSON.stringify(cache.cachesSynced())}`);
  }

  const caughtUp = async (timeoutMs = 10_000): Promise<void> => {
    // The cluster clock follows the API server's Date header: ask for it once, so a virtual jump is seen now.
    await cache.client.request("/version", { verb: "get", resource: "version" });
    await waitFor(
      () => {
        const behind = cache.kinds.filter(
          (k) => versionsOf(cache.store(k).list() as KubernetesObject[]) !== versionsOf(sim.list(k) as KubernetesObject[]),
        );
        if (behind.length > 0) throw new Error(`behind on ${behind.join(", ")}`);
        const lagMs = sim.clock.now() - cache.clock.now();
        if (lagMs > 1_000) throw new Error(`cluster clock ${lagMs} ms behind`);
        return true;
      },
      { timeoutMs, intervalMs: 20, message: "cache did not catch up with the simulator" },
    );
  };

  const harness: AnalysisHarness = {
    cache,
    ctx: (overrides = {}) => ({
      cache,
      now: cache.clock.now(),
      telemetry: noTelemetry,
      usage: noUsage,
      settings: defaultAnalysisSettings,
      ...defaults,
      ...overrides,
    }),
    caughtUp,
    advance: async (duration) => {
      await sim.advance(duration);
      await caughtUp();
    },
    stop: () => cache.stop(),
  };
  await caughtUp();
  return harness;
}

/** Every finding of every registered analyzer of the object's kind. */
export function findingsFor(obj: KubernetesObject, ctx: AnalysisContext): AnalyzerFinding[] {
  return analyzeObject(obj, ctx);
}
