// Shared by the signal-side component tests (alert, metrics, kernel): a ClusterCache on the simulator's oom-crashloop
// scenario (Deployment shop/payments-api, two pods), alerts as the webhook normalizes them, target snapshots, collector
// pod samples and kernel events, and an AssessmentContext built directly around them.
import type { V1Pod } from "@kubernetes/client-node";
import { normalizeAlert } from "@vigil/alertmanager";
import { NodeTelemetry, noTelemetry, noUsage, type TelemetryView } from "@vigil/analysis";
import type { ActionName, AlertMessage, KernelEventMessage, PodSample, PodsSampleMessage, ResourceRef } from "@vigil/contracts";
import { ClusterCache, DEFAULT_CACHED_KINDS, kubeConfigFromUrl, type KubeLogger } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { AlertHistory } from "../src/alert-history.js";
import type { AlertSources, AssessmentContext, AssessmentWindows } from "../src/assessment-context.js";
import type { ContainerSnapshot, PodSnapshot, TargetSnapshot } from "../src/target-snapshot.js";

export const MIN = 60_000;
/** The action's time in the tests that need no cluster clock. */
export const T0 = Date.parse("2026-11-22T05:00:00.000Z");
export const iso = (ms: number): string => new Date(ms).toISOString();
export const OWNER: ResourceRef = { kind: "Deployment", name: "payments-api", namespace: "shop" };

const silent: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };

export interface SignalCluster {
  sim: KubeSim;
  cache: ClusterCache;
  /** The live pods of payments-api, as cached. */
  pods(): V1Pod[];
  stop(): Promise<void>;
}

/** The oom-crashloop scenario behind a synced ClusterCache; the Deployment's pods are in the cache when it resolves. */
export async function startSignalCluster(): Promise<SignalCluster> {
  const sim = await KubeSim.start({ clock: "virtual", scenario: "oom-crashloop" });
  const cache = new ClusterCache({
    kubeConfig: kubeConfigFromUrl(sim.url),
    kinds: DEFAULT_CACHED_KINDS,
    log: silent,
    reflector: { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 2_000 },
  });
  cache.start();
  const stop = async () => {
    await cache.stop();
    await sim.stop();
  };
  if (!(await cache.waitForSync(15_000))) {
    await stop();
    throw new Error("caches did not sync");
  }
  const pods = () =>
    cache
      .store("Pod")
      .list({ namespace: "shop" })
      .filter((p) => p.metadata?.name?.startsWith("payments-api-"));
  await waitFor(() => pods().length === 2, { timeoutMs: 10_000, message: "payments-api pods in the cache" });
  return { sim, cache, pods, stop };
}

/** A crash-looping alert of one pod of payments-api, as the webhook publishes it. */
export function crashLoopAlert(
  pod: string,
  opts: { startsAt: number; status?: "firing" | "resolved"; endsAt?: number; receivedAt?: number; alertname?: string },
): AlertMessage {
  const status = opts.status ?? "firing";
  const labels = { alertname: opts.alertname ?? "KubePodCrashLooping", severity: "warning", namespace: "shop", pod, container: "api" };
  return normalizeAlert(
    {
      status,
      labels,
      annotations: { summary: "Pod is crash looping." },
      startsAt: iso(opts.startsAt),
      ...(opts.endsAt !== undefined ? { endsAt: iso(opts.endsAt) } : {}),
    },
    {
      version: "4",
      groupKey: "{}:{}",
      truncatedAlerts: 0,
      status,
      receiver: "vigil",
      groupLabels: {},
      commonLabels: labels,
      commonAnnotations: {},
      externalURL: "",
      alerts: [],
    },
    iso(opts.receivedAt ?? opts.endsAt ?? opts.startsAt),
  );
}

export function containerSnap(overrides: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return { name: "api", ready: true, restarts: 0, ...overrides };
}

export function podSnap(name: string, uid: string, containers: ContainerSnapshot[], overrides: Partial<PodSnapshot> = {}): PodSnapshot {
  return { uid, name, namespace: "shop", node: "worker-1", phase: "Running", ready: true, deleting: false, containers, ...overrides };
}

export function snapshot(at: number, pods: PodSnapshot[] = []): TargetSnapshot {
  return { at: iso(at), exists: true, pods, firingAlerts: [], warningEvents: 0 };
}

/** A collector pods sample of one node. */
export function podsSample(node: string, ts: number, pods: PodSample[]): PodsSampleMessage {
  return { id: `pods_${node}_${ts}`, correlationId: `pods_${node}_${ts}`, node, ts: iso(ts), pods, errors: [] };
}

export function kernelEvent(
  node: string,
  type: string,
  observedAt: number,
  extra: Partial<Pick<KernelEventMessage, "pod" | "container" | "data">> = {},
): KernelEventMessage {
  const id = `kev_${node}_${type}_${observedAt}`;
  return {
    id,
    correlationId: id,
    node,
    type,
    observedAt: iso(observedAt),
    source: "bpftrace",
    pid: 4242,
    comm: "java",
    data: {},
    ...extra,
  };
}

export function telemetryWith(items: { pods?: PodsSampleMessage[]; kernel?: KernelEventMessage[] }): NodeTelemetry {
  // Spacing 0: every test sample is kept, whatever its interval.
  const t = new NodeTelemetry({ podSampleSpacingMs: 0, samplesWindowMs: 3 * 3_600_000, kernelEventsWindowMs: 3 * 3_600_000 });
  for (const s of items.pods ?? []) t.addPodsSample(s);
  for (const e of items.kernel ?? []) t.addKernelEvent(e);
  return t;
}

export interface SignalContextOptions {
  cluster: AssessmentContext["cluster"];
  actionAt?: number;
  action?: ActionName;
  alertname?: string;
  fingerprint?: string;
  owner?: ResourceRef;
  history?: AlertHistory;
  alertmanager?: AlertSources["alertmanager"];
  telemetry?: TelemetryView;
  baseline?: TargetSnapshot;
  current?: TargetSnapshot;
  windows?: AssessmentWindows;
}

/** 15 minutes before the action; after it, 5 minutes to settle, then 10 minutes observed; now = the end of that. */
export function signalContext(o: SignalContextOptions): AssessmentContext {
  const actionAt = o.actionAt ?? T0;
  const windows = o.windows ?? {
    before: { from: actionAt - 15 * MIN, to: actionAt },
    after: { from: actionAt + 5 * MIN, to: actionAt + 15 * MIN },
  };
  return {
    subject: {
      executionId: "exec_1",
      proposalId: "prop_1",
      incidentId: "inc_1",
      correlationId: "inc_1",
      alertname: o.alertname ?? "KubePodCrashLooping",
      fingerprint: o.fingerprint ?? "0000000000000000",
      action: o.action ?? "restart_pod",
      target: o.owner ?? OWNER,
      owner: o.owner ?? OWNER,
      parameters: {},
      stateBefore: undefined,
      stateAfter: undefined,
      actionAt,
    },
    windows,
    now: windows.after.to,
    baseline: o.baseline ?? snapshot(actionAt),
    current: o.current ?? snapshot(windows.after.to),
    cluster: o.cluster,
    usage: noUsage,
    telemetry: o.telemetry ?? noTelemetry,
    alerts: { history: o.history ?? new AlertHistory(), ...(o.alertmanager ? { alertmanager: o.alertmanager } : {}) },
  };
}
