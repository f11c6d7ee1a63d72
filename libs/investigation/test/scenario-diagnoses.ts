// Every simulator scenario's diagnosis, produced the way libs/analysis/test/diagnosis-scenarios.test.ts does
// (the acceptance row's alert after the warm-up, a synced ClusterCache, the usage poller, the row's kernel
// events), so the rules are tested on what the analyzer really emits, not on hand-written guesses.
import { defaultAnalysisSettings, diagnose, NodeTelemetry, resolveTarget } from "@vigil/analysis";
import { alertMessageFor, type ScenarioExpectation } from "@vigil/acceptance";
import { diagnosisMessage, type DiagnosisMessage } from "@vigil/contracts";
import { ClusterCache, DEFAULT_CACHED_KINDS, kubeConfigFromUrl, UsageCache, type KubeLogger } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";

type Versioned = { metadata?: { uid?: string; resourceVersion?: string } };
const silent: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };
const versionsOf = (objects: readonly Versioned[]): string =>
  objects
    .map((o) => `${o.metadata?.uid}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(",");

/** Starts the row's scenario, diagnoses its alert, stops everything; the diagnosis is schema-valid. */
export async function diagnoseScenario(row: ScenarioExpectation): Promise<DiagnosisMessage> {
  const sim = await KubeSim.start({ scenario: row.scenario, clock: "virtual" });
  const cache = new ClusterCache({
    kubeConfig: kubeConfigFromUrl(sim.url),
    kinds: DEFAULT_CACHED_KINDS,
    log: silent,
    reflector: { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 2_000 },
  });
  let usage: UsageCache | undefined;
  try {
    cache.start();
    if (!(await cache.waitForSync(15_000))) throw new Error(`${row.scenario}: caches did not sync`);
    // Caught up: every cached kind as the simulator holds it, and the cluster clock on the simulator's time.
    await cache.client.request("/version", { verb: "get", resource: "version" });
    await waitFor(
      () =>
        cache.kinds.every((k) => versionsOf(cache.store(k).list() as Versioned[]) === versionsOf(sim.list(k) as Versioned[])) &&
        sim.clock.now() - cache.clock.now() <= 1_000,
      { timeoutMs: 10_000, intervalMs: 20, message: `${row.scenario}: cache did not catch up` },
    );
    usage = new UsageCache({ client: cache.client, nodes: () => cache.store("Node").list(), intervalMs: 60_000, volumeIntervalMs: 60_000 });
    await usage.start();
    const telemetry = new NodeTelemetry();
    for (const e of row.kernelEvents?.(sim) ?? []) telemetry.addKernelEvent(e);
    const now = cache.clock.now();
    const ctx = { cache, now, telemetry, usage, settings: defaultAnalysisSettings };
    const alert = alertMessageFor(row.alert(sim), new Date(now - 15 * 60_000), new Date(now));
    const resolved = await resolveTarget(alert, cache);
    const diagnosis = await diagnose({
      alert,
      incident: { incidentId: `inc-${row.scenario}`, owner: resolved.owner, alertIds: [alert.id], occurrences: 1 },
      id: `diag-${row.scenario}`,
      ctx,
      resolved,
    });
    return diagnosisMessage.parse(diagnosis);
  } finally {
    await usage?.stop();
    await cache.stop();
    await sim.stop();
  }
}
