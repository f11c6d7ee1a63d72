// The demo plays Prometheus: after each step of the virtual clock it re-evaluates the rule behind every alert it
// sent, against the simulator's objects, so Alertmanager's resolution is sent when the symptom is really gone (the
// effectiveness service scores "alert resolved after the action" from it). The conditions follow the kube-prometheus
// rules the acceptance table's alerts come from (and awesome-prometheus-alerts' KubernetesContainerOomKiller).
import type { KubeSim, Pod } from "@vigil/kube-sim";
import type { RuleAlert } from "./alertmanager-payload.js";
import type { DeploymentShape, HpaShape } from "./kube-shapes.js";

type Labels = Record<string, string>;

type Rule = (sim: KubeSim, labels: Labels, now: number) => boolean;

const MINUTE = 60_000;

function livePod(sim: KubeSim, labels: Labels): Pod | undefined {
  const name = labels["pod"];
  if (!name) return undefined;
  const pod = sim.get<Pod>("Pod", name, labels["namespace"] ?? "default");
  return pod && !pod.metadata.deletionTimestamp ? pod : undefined;
}

const statusesOf = (pod: Pod, container: string | undefined) =>
  [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].filter(
    (s) => !container || s.name === container,
  );

/** The container terminated for `reason` (any reason when omitted) less than `withinMs` ago. */
function terminatedWithin(pod: Pod, container: string | undefined, now: number, withinMs: number, reason?: string): boolean {
  return statusesOf(pod, container).some((s) => {
    const t = s.lastState?.terminated;
    if (!t || (reason && t["reason"] !== reason)) return false;
    const finishedAt = Date.parse(String(t["finishedAt"] ?? ""));
    return Number.isFinite(finishedAt) && now - finishedAt < withinMs;
  });
}

const rules: Record<string, Rule> = {
  // max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1
  KubePodCrashLooping: (sim, labels, now) => {
    const pod = livePod(sim, labels);
    if (!pod) return false;
    const container = labels["container"];
    return (
      statusesOf(pod, container).some((s) => s.state?.waiting?.["reason"] === "CrashLoopBackOff") ||
      terminatedWithin(pod, container, now, 5 * MINUTE)
    );
  },
  // A pod not Running (Pending, Unknown, Failed), or running with a container that is not ready.
  KubePodNotReady: (sim, labels) => {
    const pod = livePod(sim, labels);
    if (!pod) return false;
    if (pod.status?.phase !== "Running") return pod.status?.phase !== "Succeeded";
    return statusesOf(pod, undefined).some((s) => !s.ready);
  },
  // increase(kube_pod_container_status_restarts_total[10m]) >= 1 and last terminated reason OOMKilled
  KubernetesContainerOomKiller: (sim, labels, now) => {
    const pod = livePod(sim, labels);
    return !!pod && terminatedWithin(pod, labels["container"], now, 10 * MINUTE, "OOMKilled");
  },
  // kube_deployment_status_condition{condition="Progressing", status="false"}
  KubeDeploymentRolloutStuck: (sim, labels) => {
    const d = sim.get<DeploymentShape>("Deployment", labels["deployment"] ?? "", labels["namespace"] ?? "default");
    return (d?.status?.conditions ?? []).some((c) => c.type === "Progressing" && c.status === "False");
  },
  // kube_horizontalpodautoscaler_status_current_replicas == kube_horizontalpodautoscaler_spec_max_replicas
  KubeHpaMaxedOut: (sim, labels) => {
    const hpa = sim.get<HpaShape>("HorizontalPodAutoscaler", labels["horizontalpodautoscaler"] ?? "", labels["namespace"] ?? "default");
    return !!hpa && Number(hpa.status?.currentReplicas ?? 0) >= Number(hpa.spec?.maxReplicas ?? Infinity);
  },
};

/** The alert names whose rule the demo can evaluate. */
export const evaluatedAlertnames: readonly string[] = Object.keys(rules);

/**
 * Whether the rule that fired `alert` still holds now (cluster time). Undefined for an alert name the demo has no
 * rule for: it then never resolves that alert (Alertmanager would, after resolve_timeout, without a verdict).
 */
export function stillFiring(sim: KubeSim, alert: RuleAlert): boolean | undefined {
  const rule = rules[alert.labels["alertname"] ?? ""];
  return rule ? rule(sim, alert.labels, sim.clock.now()) : undefined;
}
