// printPod from k8s.io/kubernetes/pkg/printers/internalversion, step for step: the STATUS column is the
// thing people read first (CrashLoopBackOff, Init:0/1, Terminating, ...) so every branch, including the
// odd ones (init-container restart bookkeeping, "Completed" flipping back to "Running"), is kept as-is.
import type { KubeObject } from "../../types.js";
import { humanDuration, parseTime } from "./duration.js";
import type { Cell, RowCondition } from "./format.js";

interface StateDetail {
  reason?: string;
  exitCode?: number;
  signal?: number;
  finishedAt?: string;
}
interface State {
  waiting?: StateDetail;
  running?: StateDetail;
  terminated?: StateDetail;
}
interface Status {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: State;
  lastState?: State;
}

/** The whole-row conditions the server attaches to finished pods. */
export function podConditions(pod: KubeObject): RowCondition[] | undefined {
  switch (pod.status?.phase) {
    case "Succeeded":
      return [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }];
    case "Failed":
      return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
    default:
      return undefined;
  }
}

/** Go's Time.Before with the zero time as `undefined`: the zero time is before every real time. */
const later = (current: number | undefined, candidate: number | undefined): number | undefined =>
  candidate !== undefined && (current === undefined || current < candidate) ? candidate : current;

/** Cells NAME, READY, STATUS, RESTARTS, AGE, IP, NODE, NOMINATED NODE, READINESS GATES. */
export function podCells(pod: KubeObject, now: number): Cell[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs: Array<{ name: string; restartPolicy?: string }> = spec.initContainers ?? [];
  const initStatuses: Status[] = status.initContainerStatuses ?? [];
  const statuses: Status[] = status.containerStatuses ?? [];
  const podConds: Array<{ type: string; status: string; reason?: string }> = status.conditions ?? [];

  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;

  const phase: string = status.phase ?? "";
  let reason: string = status.reason || phase;
  for (const c of podConds) {
    if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  }

  // Sidecars (init containers with restartPolicy Always) count as regular containers for READY.
  const restartable = new Set(initSpecs.filter((c) => c.restartPolicy === "Always").map((c) => c.name));
  totalContainers += restartable.size;

  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const state = c.state ?? {};
    restarts += c.restartCount ?? 0;
    const finished = parseTime(c.lastState?.terminated?.finishedAt);
    if (c.lastState?.terminated) lastRestart = later(lastRestart, finished);
    const isSidecar = restartable.has(c.name);
    if (isSidecar) {
      restartableInitRestarts += c.restartCount ?? 0;
      if (c.lastState?.terminated) lastRestartableInitRestart = later(lastRestartableInitRestart, finished);
    }
    if (state.terminated && (state.terminated.exitCode ?? 0) === 0) continue;
    if (isSidecar && c.started === true) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (state.terminated) {
      const t = state.terminated;
      if (!t.reason) reason = t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode ?? 0}`;
      else reason = `Init:${t.reason}`;
    } else if (state.waiting?.reason && state.waiting.reason !== "PodInitializing") {
      reason = `Init:${state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  const initialized = podConds.find((c) => c.type === "Initialized")?.status === "True";
  if (!initializing || initialized) {
    // Once initialised, only sidecar restarts count alongside the app containers'.
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    // Walked backwards so the first container with a waiting/terminated reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      const state = c.state ?? {};
      restarts += c.restartCount ?? 0;
      if (c.lastState?.terminated) lastRestart = later(lastRestart, parseTime(c.lastState.terminated.finishedAt));
      if (state.waiting?.reason) {
        reason = state.waiting.reason;
      } else if (state.terminated?.reason) {
        reason = state.terminated.reason;
      } else if (state.terminated) {
        reason = state.terminated.signal ? `Signal:${state.terminated.signal}` : `ExitCode:${state.terminated.exitCode ?? 0}`;
      } else if (c.ready && state.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose finished container says "Completed" while another still runs is not complete.
    if (reason === "Completed" && hasRunning) {
      reason = podConds.some((c) => c.type === "Ready" && c.status === "True") ? "Running" : "NotReady";
    }
  }

  const deleting = Boolean(pod.metadata.deletionTimestamp);
  if (deleting && status.reason === "NodeLost") reason = "Unknown";
  else if (deleting && phase !== "Failed" && phase !== "Succeeded") reason = "Terminating";

  const restartsCell =
    restarts !== 0 && lastRestart !== undefined ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);

  const created = parseTime(pod.metadata.creationTimestamp);
  const age = created === undefined ? "<unknown>" : humanDuration(now - created);

  const podIP: string = status.podIPs?.[0]?.ip || status.podIP || "<none>";
  const gates: Array<{ conditionType: string }> = spec.readinessGates ?? [];
  let readinessGates = "<none>";
  if (gates.length > 0) {
    const trueCount = gates.filter((g) => podConds.find((c) => c.type === g.conditionType)?.status === "True").length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  return [
    pod.metadata.name ?? "",
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    age,
    podIP,
    spec.nodeName || "<none>",
    status.nominatedNodeName || "<none>",
    readinessGates,
  ];
}
