// Shared by the cluster tool tests: a simulator scenario, a ClusterCache and a UsageCache on it, and the
// ToolContext the tools read. The Vigil lookups are empty stand-ins: cluster tools never read them.
import type { KubernetesObject } from "@kubernetes/client-node";
import { defaultAnalysisSettings, noTelemetry, type TelemetryView } from "@vigil/analysis";
import { ClusterCache, DEFAULT_CACHED_KINDS, kubeConfigFromUrl, UsageCache, type KubeLogger } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import type { ToolContext } from "../src/index.js";

const silent: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };

export interface ClusterToolHarness {
  sim: KubeSim;
  cache: ClusterCache;
  ctx: ToolContext;
  /** Moves the simulator's clock, then waits until the cache holds what the simulator holds. */
  advance(duration: string): Promise<void>;
  stop(): Promise<void>;
}

const versions = (objects: readonly KubernetesObject[]): string =>
  objects
    .map((o) => `${o.metadata?.uid}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(",");

export async function clusterToolHarness(scenario: string, opts: { telemetry?: TelemetryView } = {}): Promise<ClusterToolHarness> {
  const sim = await KubeSim.start({ scenario, clock: "virtual" });
  const cache = new ClusterCache({
    kubeConfig: kubeConfigFromUrl(sim.url),
    kinds: DEFAULT_CACHED_KINDS,
    log: silent,
    reflector: { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 2_000 },
  });
  cache.start();
  const usage = new UsageCache({
    client: cache.client,
    nodes: () => cache.store("Node").list(),
    intervalMs: 60_000,
    volumeIntervalMs: 60_000,
  });
  const caughtUp = async () => {
    // The cluster clock follows the API server's Date header: one request makes a virtual jump visible.
    await cache.client.request("/version", { verb: "get", resource: "version" });
    await waitFor(
      () => cache.kinds.every((k) => versions(cache.store(k).list() as KubernetesObject[]) === versions(sim.list(k) as KubernetesObject[])),
      { timeoutMs: 10_000, intervalMs: 20, message: "cache did not catch up with the simulator" },
    );
  };
  try {
    if (!(await cache.waitForSync(15_000))) throw new Error("caches did not sync");
    await caughtUp();
    await usage.start();
  } catch (err) {
    await usage.stop();
    await cache.stop();
    await sim.stop();
    throw err;
  }
  const ctx: ToolContext = {
    cache,
    analysis: () => ({ cache, now: cache.clock.now(), telemetry: opts.telemetry ?? noTelemetry, usage, settings: defaultAnalysisSettings }),
    incidents: { get: () => Promise.resolve(undefined) },
    diagnoses: { latest: () => undefined },
    actions: { forResource: () => [], forAlertname: () => [] },
    effectiveness: { get: () => Promise.resolve(undefined) },
  };
  return {
    sim,
    cache,
    ctx,
    advance: async (duration) => {
      await sim.advance(duration);
      await caughtUp();
    },
    stop: async () => {
      await usage.stop();
      await cache.stop();
      await sim.stop();
    },
  };
}

/** The first pod of a namespace whose name starts with `prefix` (scenario pods have generated names). */
export function podNamed(h: ClusterToolHarness, namespace: string, prefix: string): string {
  const pod = h.cache
    .store("Pod")
    .list({ namespace })
    .find((p) => p.metadata?.name?.startsWith(prefix) && !p.metadata.deletionTimestamp);
  if (!pod?.metadata?.name) throw new Error(`no pod ${prefix}* in ${namespace}`);
  return pod.metadata.name;
}
