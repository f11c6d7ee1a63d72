// Shared by the cluster-side component tests: a ClusterCache and metrics.k8s.io/kubelet usage on a simulated
// cluster, assessment subjects with defaults, target snapshots taken as the pipeline takes them (baseline right
// after the change, current at assessment), and AssessmentContexts built from them on the cluster's clock.
import { after, before } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { noTelemetry } from "@vigil/analysis";
import { ClusterCache, DEFAULT_CACHED_KINDS, kubeConfigFromUrl, UsageCache, type KubeLogger, type UsageSource } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { AlertHistory } from "../src/alert-history.js";
import type { AssessmentContext, AssessmentSubject } from "../src/assessment-context.js";
import { observeTarget } from "../src/observe-target.js";
import { targetSnapshot, type TargetSnapshot } from "../src/target-snapshot.js";

export { waitFor } from "@vigil/testing";

const silentLog: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };
/** Short backoff so a dropped watch recovers within a test's patience. */
const FAST = { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 2_000 };

const versionsOf = (objects: readonly KubernetesObject[]): string =>
  objects
    .map((o) => `${o.metadata?.uid}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(",");

export interface ClusterHarness {
  sim: KubeSim;
  cache: ClusterCache;
  /** The cluster's time (the simulator's virtual clock). */
  now(): number;
  /** Resolves once every cached kind holds exactly what the simulator holds. */
  caughtUp(): Promise<void>;
  /** Advances the virtual clock, then waits for the cache to catch up. */
  advance(duration: string | number): Promise<void>;
  /** One poll of metrics.k8s.io and of every Ready kubelet's volume stats, as the service's UsageCache keeps them. */
  usageNow(): Promise<UsageSource>;
  /** A snapshot of the subject's owner now (after catching up and polling usage), checked against its schema. */
  observe(subject: AssessmentSubject, opts?: { warningWindowMs?: number }): Promise<TargetSnapshot>;
  /** An assessment context at the cluster's now; baseline and current default to an empty snapshot. */
  context(
    subject: AssessmentSubject,
    parts?: { baseline?: TargetSnapshot; current?: TargetSnapshot; usage?: UsageSource },
  ): AssessmentContext;
  stop(): Promise<void>;
}

export async function clusterHarness(sim: KubeSim): Promise<ClusterHarness> {
  const cache = new ClusterCache({ kubeConfig: kubeConfigFromUrl(sim.url), kinds: DEFAULT_CACHED_KINDS, log: silentLog, reflector: FAST });
  cache.start();
  if (!(await cache.waitForSync(15_000))) {
    await cache.stop();
    throw new Error(`caches did not sync: ${JSON.stringify(cache.cachesSynced())}`);
  }
  const caughtUp = async (): Promise<void> => {
    await waitFor(
      () => {
        const behind = cache.kinds.filter(
          (k) => versionsOf(cache.store(k).list() as KubernetesObject[]) !== versionsOf(sim.list(k) as KubernetesObject[]),
        );
        if (behind.length > 0) throw new Error(`behind on ${behind.join(", ")}`);
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: "cache did not catch up with the simulator" },
    );
  };
  const usageNow = async (): Promise<UsageSource> => {
    const usage = new UsageCache({ client: cache.client, nodes: () => cache.store("Node").list() });
    await usage.start();
    await usage.stop();
    return usage;
  };
  const h: ClusterHarness = {
    sim,
    cache,
    now: () => sim.clock.now(),
    caughtUp,
    advance: async (duration) => {
      await sim.advance(duration);
      await caughtUp();
    },
    usageNow,
    observe: async (subject, opts) => {
      await caughtUp();
      const snapshot = observeTarget({ cluster: cache, usage: await usageNow() }, subject, sim.clock.now(), opts);
      return targetSnapshot.parse(snapshot);
    },
    context: (subject, parts = {}) => {
      const now = sim.clock.now();
      const empty = targetSnapshot.parse({ at: new Date(now).toISOString(), exists: false, pods: [] });
      return {
        subject,
        now,
        windows: { before: { from: subject.actionAt - 10 * 60_000, to: subject.actionAt }, after: { from: subject.actionAt, to: now } },
        baseline: parts.baseline ?? empty,
        current: parts.current ?? empty,
        cluster: cache,
        usage: parts.usage ?? { node: unavailable, pod: unavailable, volume: unavailable },
        telemetry: noTelemetry,
        alerts: { history: new AlertHistory() },
      };
    },
    stop: () => cache.stop(),
  };
  await caughtUp();
  return h;
}

const unavailable = () => ({ available: false as const, reason: "no usage in this test" });

let executions = 0;

/** An executed action with defaults (ids, an alert), `actionAt` the cluster's now unless given. */
export function subjectFor(
  sim: KubeSim,
  s: Pick<AssessmentSubject, "action" | "target" | "owner"> & Partial<AssessmentSubject>,
): AssessmentSubject {
  const n = ++executions;
  return {
    executionId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    proposalId: `00000000-0000-4000-9000-${String(n).padStart(12, "0")}`,
    incidentId: `incident-${n}`,
    correlationId: `correlation-${n}`,
    alertname: "KubePodCrashLooping",
    fingerprint: `fp-${n}`,
    parameters: {},
    stateBefore: undefined,
    stateAfter: undefined,
    actionAt: sim.clock.now(),
    ...s,
  };
}

/** The first pod (by name) of a namespace whose name starts with `prefix`, from the simulator. */
export function podNamed(sim: KubeSim, namespace: string, prefix: string): KubernetesObject {
  const pod = sim
    .list("Pod", namespace)
    .filter((p) => p.metadata?.name?.startsWith(prefix) && !p.metadata.deletionTimestamp)
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))[0];
  if (!pod) throw new Error(`no pod ${namespace}/${prefix}*`);
  return pod as KubernetesObject;
}

/** The enclosing describe's scenario: a simulator (virtual clock) and its harness before its tests, stopped after. */
export function scenarioSuite(scenario: string): { readonly sim: KubeSim; readonly h: ClusterHarness } {
  let sim: KubeSim | undefined;
  let h: ClusterHarness | undefined;
  before(async () => {
    sim = await KubeSim.start({ clock: "virtual", scenario });
    h = await clusterHarness(sim);
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });
  return {
    get sim(): KubeSim {
      if (!sim) throw new Error(`scenario ${scenario} is not started (used outside a test?)`);
      return sim;
    },
    get h(): ClusterHarness {
      if (!h) throw new Error(`scenario ${scenario} is not started (used outside a test?)`);
      return h;
    },
  };
}

/** Runs `fn` on a fresh simulator of `scenario` and its harness, stopped whatever happens. */
export async function withScenario<T>(scenario: string, fn: (sim: KubeSim, h: ClusterHarness) => Promise<T>): Promise<T> {
  const sim = await KubeSim.start({ clock: "virtual", scenario });
  const h = await clusterHarness(sim);
  try {
    return await fn(sim, h);
  } finally {
    await h.stop();
    await sim.stop();
  }
}
