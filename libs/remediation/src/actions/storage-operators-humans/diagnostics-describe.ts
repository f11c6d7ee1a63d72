// What `kubectl describe` shows of a pod and a node, as plain JSON for the execution record: phase, conditions,
// each container's state, last state, restarts and resources; a node's conditions (pressure first), taints and
// capacity. Pure functions over the objects read, so the record is the same whoever reads it later.
import type {
  V1Container,
  V1ContainerState,
  V1ContainerStatus,
  V1Node,
  V1NodeCondition,
  V1Pod,
  V1PodCondition,
} from "@kubernetes/client-node";

/** Dates as RFC 3339 (the models carry Date objects; the record is JSON). */
export const iso = (d: Date | string | undefined | null): string | undefined => (d ? (d instanceof Date ? d.toISOString() : d) : undefined);

const compact = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;

export function describeState(state: V1ContainerState | undefined): Record<string, unknown> | undefined {
  if (state?.running) return { running: compact({ startedAt: iso(state.running.startedAt) }) };
  if (state?.waiting) return { waiting: compact({ reason: state.waiting.reason, message: state.waiting.message }) };
  const t = state?.terminated;
  if (t)
    return {
      terminated: compact({
        exitCode: t.exitCode,
        signal: t.signal,
        reason: t.reason,
        message: t.message,
        startedAt: iso(t.startedAt),
        finishedAt: iso(t.finishedAt),
      }),
    };
  return undefined;
}

function describeContainer(spec: V1Container, status: V1ContainerStatus | undefined) {
  return compact({
    name: spec.name,
    image: spec.image,
    ready: status?.ready ?? false,
    started: status?.started,
    restartCount: status?.restartCount ?? 0,
    state: describeState(status?.state),
    lastState: describeState(status?.lastState),
    resources: compact({ requests: spec.resources?.requests, limits: spec.resources?.limits }),
  });
}

const describeCondition = (c: V1PodCondition | V1NodeCondition) =>
  compact({ type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: iso(c.lastTransitionTime) });

export function describePod(pod: V1Pod) {
  const statusOf = (list: V1ContainerStatus[] | undefined, name: string) => list?.find((s) => s.name === name);
  return compact({
    name: pod.metadata?.name,
    namespace: pod.metadata?.namespace,
    node: pod.spec?.nodeName,
    phase: pod.status?.phase,
    reason: pod.status?.reason,
    message: pod.status?.message,
    qosClass: pod.status?.qosClass,
    startTime: iso(pod.status?.startTime),
    deletionTimestamp: iso(pod.metadata?.deletionTimestamp),
    ownerReferences: pod.metadata?.ownerReferences?.map((o) => `${o.kind}/${o.name}`),
    conditions: (pod.status?.conditions ?? []).map(describeCondition),
    initContainers: pod.spec?.initContainers?.map((c) => describeContainer(c, statusOf(pod.status?.initContainerStatuses, c.name))),
    containers: (pod.spec?.containers ?? []).map((c) => describeContainer(c, statusOf(pod.status?.containerStatuses, c.name))),
  });
}

const restartsOf = (pod: V1Pod): number => (pod.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0);
const isReady = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/** Worst first: not ready before ready, then most restarts: the pods an engineer would look at first. */
export function worstFirst(pods: readonly V1Pod[]): V1Pod[] {
  return [...pods].sort(
    (a, b) =>
      Number(isReady(a)) - Number(isReady(b)) ||
      restartsOf(b) - restartsOf(a) ||
      (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""),
  );
}

const PRESSURE = new Set(["MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"]);

/** A node's conditions, and the pressure ones that are true (what evicts or starves pods). */
export function nodePressure(node: V1Node) {
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === "Ready");
  return {
    name: node.metadata?.name,
    ready: ready ? `${ready.status}${ready.reason ? ` (${ready.reason})` : ""}` : "Unknown",
    underPressure: conditions.filter((c) => PRESSURE.has(c.type) && c.status === "True").map((c) => c.type),
    unschedulable: node.spec?.unschedulable ?? false,
    conditions: conditions.map(describeCondition),
  };
}
