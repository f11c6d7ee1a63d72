// The horizontal pod autoscaler (autoscaling/v2, Resource and ContainerResource metrics), as
// pkg/controller/podautoscaler/horizontal.go runs it: every 15 s per HPA, read the target's scale, compute the
// replica proposal from metrics-server's view of its pods, stabilise and limit it, write the target's replicas,
// and report conditions and current metrics in the HPA's status.
import { labelSelectorFromObject } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { bytes, cpuMillis } from "../quantity.js";
import { podContainerUsage } from "../metrics/resource-metrics.js";
import { resourceReplicas, type ResourceName, type Target } from "./hpa-replicas.js";
import { normalize, type ScaleHistory } from "./hpa-normalize.js";
import type { Controller } from "./controller.js";
import type { KubeObject, Node, Pod } from "../types.js";
import { clone } from "../json.js";
import { hasKubelet } from "../kubelet/kubelet-presence.js";

/** --horizontal-pod-autoscaler-sync-period. */
export const HPA_SYNC_MS = 15_000;

const TARGETS: Record<string, { key: string; resource: string }> = {
  Deployment: { key: R.deployments, resource: "deployments.apps" },
  StatefulSet: { key: R.statefulsets, resource: "statefulsets.apps" },
  ReplicaSet: { key: R.replicasets, resource: "replicasets.apps" },
};

type Condition = { type: string; status: string; lastTransitionTime?: string; reason: string; message: string };
type MetricStatus = Record<string, unknown>;
const SOURCE = { source: { component: "horizontal-pod-autoscaler" } };

/** NewMilliQuantity(v, DecimalSI).String(): "600m", "2", "268435456", "2k". */
export const decimalMilli = (milli: number): string => {
  const m = Math.round(milli);
  if (m % 1000 !== 0) return `${m}m`;
  let v = m / 1000;
  const suffixes = ["", "k", "M", "G", "T", "P", "E"];
  let i = 0;
  while (v !== 0 && v % 1000 === 0 && i < suffixes.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v}${suffixes[i]}`;
};

interface Proposal {
  replicas: number;
  metricName: string;
}

export class HorizontalPodAutoscalerController implements Controller {
  readonly name = "horizontal-pod-autoscaler";
  private readonly lastSync = new Map<string, number>();
  private readonly history = new Map<string, ScaleHistory>();

  reconcile(cluster: Cluster): void {
    const now = cluster.now();
    const live = new Set<string>();
    for (const hpa of cluster.list(R.hpas)) {
      const uid = hpa.metadata.uid!;
      live.add(uid);
      // The work queue's fixed 15 s rate limit applies from the moment an HPA is added.
      const last = this.lastSync.get(uid) ?? (Date.parse(hpa.metadata.creationTimestamp ?? "") || now);
      if (now - last < HPA_SYNC_MS) continue;
      this.lastSync.set(uid, now);
      let h = this.history.get(uid);
      if (!h) this.history.set(uid, (h = { recommendations: [], scaleUp: [], scaleDown: [] }));
      this.sync(cluster, hpa, h, now);
    }
    for (const uid of [...this.lastSync.keys()]) {
      if (!live.has(uid)) {
        this.lastSync.delete(uid);
        this.history.delete(uid);
      }
    }
  }

  private sync(cluster: Cluster, hpa: KubeObject, history: ScaleHistory, now: number): void {
    const ns = hpa.metadata.namespace!;
    const ts = cluster.timestamp();
    const status = clone(hpa.status ?? {}) as Record<string, any>;
    const conditions: Condition[] = status.conditions ?? [];
    const setCondition = (type: string, value: "True" | "False", reason: string, message: string): void => {
      let c = conditions.find((x) => x.type === type);
      if (!c) conditions.push((c = { type, status: "", reason, message }));
      if (c.status !== value) c.lastTransitionTime = ts;
      Object.assign(c, { status: value, reason, message });
    };
    const warn = (reason: string, message: string) => cluster.events.record(hpa, reason, message, { type: "Warning", ...SOURCE });
    const writeStatus = (next: Record<string, unknown>) => {
      cluster.updateStatus(R.hpas, ns, hpa.metadata.name!, (d) => {
        d.status = { ...next, conditions };
      });
    };

    const ref = hpa.spec?.scaleTargetRef ?? {};
    const t = TARGETS[ref.kind];
    const target = t ? cluster.get(t.key, ns, ref.name) : undefined;
    if (!t || !target) {
      const group = String(ref.apiVersion ?? "")
        .split("/")
        .slice(0, -1)
        .join("/");
      const err = t ? `${t.resource} "${ref.name}" not found` : `no matches for kind "${ref.kind}" in group "${group}"`;
      setCondition("AbleToScale", "False", "FailedGetScale", `the HPA controller was unable to get the target's current scale: ${err}`);
      warn("FailedGetScale", err);
      writeStatus({ ...status });
      return;
    }
    setCondition("AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale");

    const currentReplicas: number = target.status?.replicas ?? 0;
    const specReplicas: number = target.spec?.replicas ?? 1;
    const minReplicas: number = hpa.spec.minReplicas ?? 1;
    const maxReplicas: number = hpa.spec.maxReplicas;
    let desired = 0;
    let rescale = true;
    let rescaleReason = "";
    let metricStatuses: MetricStatus[] | undefined;
    if (specReplicas === 0 && minReplicas !== 0) {
      rescale = false;
      setCondition("ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = "Current number of replicas above Spec.MaxReplicas";
      desired = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = "Current number of replicas below Spec.MinReplicas";
      desired = minReplicas;
    } else {
      const metrics = (hpa.spec.metrics ?? []) as Array<Record<string, any>>;
      const pods = this.targetPods(cluster, ns, target);
      if (!pods) {
        setCondition("ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector");
        warn("SelectorRequired", "selector is required");
        warn("FailedComputeMetricsReplicas", "selector is required");
        writeStatus({ ...status, currentReplicas });
        return;
      }
      metricStatuses = metrics.map(() => ({ type: "" }));
      let best: Proposal | undefined;
      let invalid: { reason: string; error: string } | undefined;
      let invalidCount = 0;
      metrics.forEach((spec, i) => {
        try {
          const p = this.proposeForMetric(cluster, spec, pods, specReplicas, now, metricStatuses!, i);
          if (!best || p.replicas > best.replicas) best = p;
        } catch (e) {
          const reason =
            spec.type === "ContainerResource"
              ? "FailedGetContainerResourceMetric"
              : spec.type === "Resource"
                ? "FailedGetResourceMetric"
                : `FailedGet${spec.type}Metric`;
          const error = (e as Error).message;
          // getUnableComputeReplicaCountCondition records the event for every failing metric.
          warn(reason, error);
          invalid ??= { reason, error };
          invalidCount++;
        }
      });
      if (invalid && (invalidCount >= metrics.length || (best?.replicas ?? 0) < specReplicas)) {
        setCondition("ScalingActive", "False", invalid.reason, `the HPA was unable to compute the replica count: ${invalid.error}`);
        warn(
          "FailedComputeMetricsReplicas",
          `invalid metrics (${invalidCount} invalid out of ${metrics.length}), first error is: ${invalid.error}`,
        );
        writeStatus({ ...status, currentReplicas, currentMetrics: metricStatuses });
        return;
      }
      const proposal = best ?? { replicas: specReplicas, metricName: "" };
      setCondition(
        "ScalingActive",
        "True",
        "ValidMetricFound",
        `the HPA was able to successfully calculate a replica count from ${proposal.metricName}`,
      );
      desired = proposal.replicas;
      if (desired > currentReplicas) rescaleReason = `${proposal.metricName} above target`;
      if (desired < currentReplicas) rescaleReason = "All metrics below target";
      const n = normalize({ behavior: hpa.spec.behavior, history, now, currentReplicas, desired, minReplicas, maxReplicas });
      setCondition("AbleToScale", "True", n.able.reason, n.able.message);
      setCondition("ScalingLimited", n.limited ? "True" : "False", n.limit.reason, n.limit.message);
      desired = n.replicas;
      rescale = desired !== currentReplicas;
    }

    let lastScaleTime = status.lastScaleTime;
    if (rescale) {
      try {
        cluster.mutate(t.key, ns, ref.name, (d) => {
          d.spec.replicas = desired;
        });
        setCondition("AbleToScale", "True", "SucceededRescale", `the HPA controller was able to update the target scale to ${desired}`);
        cluster.events.record(hpa, "SuccessfulRescale", `New size: ${desired}; reason: ${rescaleReason}`, SOURCE);
        (desired > currentReplicas ? history.scaleUp : history.scaleDown).push({ change: Math.abs(desired - currentReplicas), at: now });
        lastScaleTime = ts;
      } catch (e) {
        setCondition(
          "AbleToScale",
          "False",
          "FailedUpdateScale",
          `the HPA controller was unable to update the target scale: ${(e as Error).message}`,
        );
        warn("FailedRescale", `New size: ${desired}; reason: ${rescaleReason}; error: ${(e as Error).message}`);
        writeStatus({
          ...status,
          currentReplicas,
          desiredReplicas: currentReplicas,
          ...(metricStatuses ? { currentMetrics: metricStatuses } : {}),
        });
        return;
      }
    } else {
      desired = currentReplicas;
    }
    const { lastScaleTime: _drop, currentMetrics: _old, ...rest } = status;
    writeStatus({
      ...rest,
      currentReplicas,
      desiredReplicas: desired,
      ...(lastScaleTime ? { lastScaleTime } : {}),
      ...(metricStatuses?.length ? { currentMetrics: metricStatuses } : {}),
    });
  }

  /** The scale target's pods by its selector (the Scale's status.selector); undefined without a selector. */
  private targetPods(cluster: Cluster, ns: string, target: KubeObject): Pod[] | undefined {
    const sel = target.spec?.selector;
    if (!sel || (!sel.matchLabels && !sel.matchExpressions)) return undefined;
    const labelSelector = labelSelectorFromObject(sel);
    return cluster.list<Pod>(R.pods, ns).filter((p) => labelSelector.matches(p.metadata.labels));
  }

  private proposeForMetric(
    cluster: Cluster,
    spec: Record<string, any>,
    pods: Pod[],
    specReplicas: number,
    now: number,
    statuses: MetricStatus[],
    i: number,
  ): Proposal {
    const source = spec.type === "Resource" ? spec.resource : spec.type === "ContainerResource" ? spec.containerResource : undefined;
    if (!source) {
      const what =
        spec.type === "External" ? "external metrics API (external.metrics.k8s.io)" : "custom metrics API (custom.metrics.k8s.io)";
      const name = spec.pods?.metric?.name ?? spec.object?.metric?.name ?? spec.external?.metric?.name ?? "";
      throw new Error(
        `unable to get metric ${name}: unable to fetch metrics from ${what}: the server could not find the requested resource`,
      );
    }
    const resource = source.name as ResourceName;
    const container: string | undefined = source.container;
    const target = source.target ?? {};
    let t: Target;
    if (target.type === "AverageValue" && target.averageValue !== undefined)
      t = { averageValue: milliOf(resource, String(target.averageValue)) };
    else if (target.averageUtilization !== undefined) t = { averageUtilization: target.averageUtilization };
    else
      throw new Error("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
    const metrics = podMetrics(cluster, pods, resource, container);
    let p;
    try {
      p = resourceReplicas({ currentReplicas: specReplicas, pods, metrics, resource, ...(container ? { container } : {}), target: t, now });
    } catch (e) {
      throw new Error(`failed to get ${resource} ${"averageValue" in t ? "usage" : "utilization"}: ${(e as Error).message}`);
    }
    const current = {
      ...(p.utilization !== undefined ? { averageUtilization: p.utilization } : {}),
      averageValue: decimalMilli(p.rawAverage),
    };
    statuses[i] =
      spec.type === "Resource"
        ? { type: "Resource", resource: { name: resource, current } }
        : { type: "ContainerResource", containerResource: { name: resource, container, current } };
    const metricName = `${spec.type === "ContainerResource" ? `${resource} container resource` : `${resource} resource`}${"averageValue" in t ? "" : " utilization (percentage of request)"}`;
    return { replicas: p.replicas, metricName };
  }
}

/** Quantity.MilliValue(). */
const milliOf = (resource: ResourceName, q: string): number => (resource === "cpu" ? cpuMillis(q) : bytes(q) * 1000);

/** What metrics-server reports for the pods: only pods with running containers on reachable nodes have samples. */
const podMetrics = (cluster: Cluster, pods: Pod[], resource: ResourceName, container: string | undefined): Map<string, number> => {
  const out = new Map<string, number>();
  const stopped = new Map<string, boolean>();
  const unreachable = (name: string): boolean => {
    let v = stopped.get(name);
    if (v === undefined) {
      const node = cluster.get<Node>(R.nodes, undefined, name);
      stopped.set(name, (v = !node || !hasKubelet(cluster, node)));
    }
    return v;
  };
  for (const pod of pods) {
    if (!pod.spec.nodeName || unreachable(pod.spec.nodeName)) continue;
    const containers = podContainerUsage(cluster, pod)?.filter((c) => !container || c.name === container);
    if (!containers?.length) continue;
    // MilliValue() of the nanocore sample rounds up; memory in milli-bytes.
    out.set(
      pod.metadata.name!,
      containers.reduce((sum, c) => sum + (resource === "cpu" ? Math.ceil(c.cpuMillis - 1e-9) : c.memoryBytes * 1000), 0),
    );
  }
  return out;
};
