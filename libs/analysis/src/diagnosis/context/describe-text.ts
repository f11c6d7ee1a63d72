// A short `kubectl describe`-like text of the diagnosed object, for a human (or a model) to read with the
// findings: identity, the status that matters for its kind, and no more than DESCRIBE_MAX_CHARS.
import type {
  KubernetesObject,
  V1Container,
  V1ContainerStatus,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
  V1StatefulSet,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import { iso } from "../../evidence.js";

export const DESCRIBE_MAX_CHARS = 2000;

type Line = string | undefined | false;

function containerLines(c: V1Container, s: V1ContainerStatus | undefined, init: boolean): string[] {
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const res = [
    requests["cpu"] && `cpu request ${requests["cpu"]}`,
    limits["cpu"] && `cpu limit ${limits["cpu"]}`,
    requests["memory"] && `memory request ${requests["memory"]}`,
    limits["memory"] && `memory limit ${limits["memory"]}`,
  ].filter(Boolean);
  const state = s?.state?.waiting
    ? `Waiting (${s.state.waiting.reason ?? ""})`
    : s?.state?.terminated
      ? `Terminated (${s.state.terminated.reason ?? ""}, exit ${s.state.terminated.exitCode})`
      : s?.state?.running
        ? `Running since ${iso(s.state.running.startedAt) ?? "?"}`
        : "no status";
  const last = s?.lastState?.terminated;
  return [
    `  ${init ? "init " : ""}${c.name}: ${c.image ?? ""}`,
    `    State: ${state}; Ready: ${s?.ready ?? false}; Restarts: ${s?.restartCount ?? 0}`,
    ...(last ? [`    Last State: Terminated (${last.reason ?? ""}, exit ${last.exitCode}) at ${iso(last.finishedAt) ?? "?"}`] : []),
    ...(res.length ? [`    Resources: ${res.join(", ")}`] : []),
  ];
}

function podLines(p: V1Pod): Line[] {
  const statuses = new Map([...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].map((s) => [s.name, s]));
  const conditions = (p.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`);
  return [
    `Node: ${p.spec?.nodeName ?? "<none>"}`,
    `Status: ${p.status?.phase ?? "Unknown"}${p.status?.reason ? ` (${p.status.reason})` : ""}${p.metadata?.deletionTimestamp ? ", Terminating" : ""}`,
    p.status?.message && `Message: ${p.status.message}`,
    conditions.length > 0 && `Conditions: ${conditions.join(", ")}`,
    (p.spec?.initContainers?.length ?? 0) + (p.spec?.containers.length ?? 0) > 0 && "Containers:",
    ...(p.spec?.initContainers ?? []).flatMap((c) => containerLines(c, statuses.get(c.name), true)),
    ...(p.spec?.containers ?? []).flatMap((c) => containerLines(c, statuses.get(c.name), false)),
  ];
}

const conditionsLine = (conds: Array<{ type: string; status: string; reason?: string; message?: string }> | undefined): Line =>
  conds && conds.length > 0 && `Conditions: ${conds.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`).join(", ")}`;

const images = (t: { spec?: { containers?: V1Container[] } } | undefined): Line =>
  t?.spec?.containers && `Images: ${t.spec.containers.map((c) => `${c.name}=${c.image ?? ""}`).join(", ")}`;

function kindLines(obj: KubernetesObject): Line[] {
  switch (obj.kind) {
    case "Pod":
      return podLines(obj);
    case "Node": {
      const n = obj as V1Node;
      return [
        `Unschedulable: ${n.spec?.unschedulable ?? false}`,
        (n.spec?.taints?.length ?? 0) > 0 &&
          `Taints: ${n.spec!.taints!.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`).join(", ")}`,
        conditionsLine(n.status?.conditions),
        `Allocatable: cpu ${n.status?.allocatable?.["cpu"] ?? "?"}, memory ${n.status?.allocatable?.["memory"] ?? "?"}, pods ${n.status?.allocatable?.["pods"] ?? "?"}`,
      ];
    }
    case "Deployment": {
      const d = obj as V1Deployment;
      const s = d.status;
      return [
        `Replicas: ${d.spec?.replicas ?? 1} desired | ${s?.updatedReplicas ?? 0} updated | ${s?.readyReplicas ?? 0} ready | ${s?.availableReplicas ?? 0} available | ${s?.unavailableReplicas ?? 0} unavailable`,
        d.spec?.paused && "Paused: true",
        conditionsLine(s?.conditions),
        images(d.spec?.template),
      ];
    }
    case "StatefulSet":
    case "DaemonSet": {
      const w = obj as V1StatefulSet | V1DaemonSet;
      const s = w.status as Record<string, unknown> | undefined;
      const counts = Object.entries(s ?? {}).filter(
        ([k, v]) => typeof v === "number" && k !== "observedGeneration" && k !== "collisionCount",
      );
      return [counts.length > 0 && `Status: ${counts.map(([k, v]) => `${k} ${String(v)}`).join(", ")}`, images(w.spec?.template)];
    }
    case "Job": {
      const j = obj as V1Job;
      return [
        `Pods: ${j.status?.active ?? 0} active, ${j.status?.succeeded ?? 0} succeeded, ${j.status?.failed ?? 0} failed; backoffLimit ${j.spec?.backoffLimit ?? 6}`,
        j.status?.startTime && `Started: ${iso(j.status.startTime)}`,
        conditionsLine(j.status?.conditions),
      ];
    }
    case "CronJob": {
      const c = obj as V1CronJob;
      return [
        `Schedule: ${c.spec?.schedule ?? "?"}; concurrencyPolicy ${c.spec?.concurrencyPolicy ?? "Allow"}; suspend ${c.spec?.suspend ?? false}`,
        `Active jobs: ${(c.status?.active ?? []).map((a) => a.name).join(", ") || "none"}`,
        `Last schedule: ${iso(c.status?.lastScheduleTime) ?? "never"}; last success: ${iso(c.status?.lastSuccessfulTime) ?? "never"}`,
      ];
    }
    case "PersistentVolumeClaim": {
      const c = obj as V1PersistentVolumeClaim;
      return [
        `Status: ${c.status?.phase ?? "?"}; StorageClass: ${c.spec?.storageClassName ?? "<default>"}; Volume: ${c.spec?.volumeName ?? "<none>"}`,
        `Capacity: ${c.status?.capacity?.["storage"] ?? "?"} (requested ${c.spec?.resources?.requests?.["storage"] ?? "?"}); Access modes: ${(c.spec?.accessModes ?? []).join(", ")}`,
      ];
    }
    case "Service": {
      const s = obj as V1Service;
      const sel = s.spec?.selector;
      return [
        `Type: ${s.spec?.type ?? "ClusterIP"}; ClusterIP: ${s.spec?.clusterIP ?? "?"}`,
        `Selector: ${
          sel
            ? Object.entries(sel)
                .map(([k, v]) => `${k}=${v}`)
                .join(",")
            : "<none>"
        }`,
        `Ports: ${(s.spec?.ports ?? []).map((p) => `${p.name ?? ""} ${p.port}/${p.protocol ?? "TCP"}→${String(p.targetPort ?? p.port)}`).join(", ")}`,
      ];
    }
    case "HorizontalPodAutoscaler": {
      const h = obj as V2HorizontalPodAutoscaler;
      return [
        `Scale target: ${h.spec?.scaleTargetRef?.kind ?? "?"}/${h.spec?.scaleTargetRef?.name ?? "?"}; replicas ${h.status?.currentReplicas ?? "?"} (min ${h.spec?.minReplicas ?? 1}, max ${h.spec?.maxReplicas ?? "?"}, desired ${h.status?.desiredReplicas ?? "?"})`,
        conditionsLine(h.status?.conditions),
      ];
    }
    default: {
      const conds = (obj as { status?: { conditions?: Array<{ type: string; status: string; reason?: string }> } }).status?.conditions;
      return [conditionsLine(conds)];
    }
  }
}

/** The text, at most DESCRIBE_MAX_CHARS (cut with an ellipsis). */
export function describeText(obj: KubernetesObject): string {
  const m = obj.metadata ?? {};
  const labels = Object.entries(m.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  const lines: Line[] = [
    `Name: ${m.name ?? ""}`,
    m.namespace && `Namespace: ${m.namespace}`,
    `Kind: ${obj.kind ?? "?"}`,
    labels.length > 0 && `Labels: ${labels.join(", ")}`,
    m.creationTimestamp && `Created: ${iso(m.creationTimestamp)}`,
    ...kindLines(obj),
  ];
  const text = lines.filter((l): l is string => typeof l === "string" && l.length > 0).join("\n");
  return text.length <= DESCRIBE_MAX_CHARS ? text : `${text.slice(0, DESCRIBE_MAX_CHARS - 1)}…`;
}
