// The pod status the kubelet posts (generateAPIPodStatus): container statuses from the runtime, the phase
// (getPhase), and the PodReadyToStartContainers/Initialized/Ready/ContainersReady/PodScheduled conditions.
import { rfc3339 } from "../clock.js";
import type { Container, ContainerStatus, Pod, PodStatus, V1ContainerStateJson } from "../types.js";
import { behaviourOf, failingProbe, readyAt, startedAt } from "./fate.js";
import { instanceLines } from "./logs.js";
import type { ContainerRuntime, Instance, PodRuntime } from "./runtime.js";

type Condition = NonNullable<PodStatus["conditions"]>[number];

/** A failed container's termination message falls back to the tail of its log when the spec asks for it. */
const fallbackMessage = (i: Instance, spec: Container): string | undefined => {
  if (spec.terminationMessagePolicy !== "FallbackToLogsOnError" || !i.exitCode) return undefined;
  const lines = instanceLines(i, i.finishedAt!)
    .slice(-80)
    .map((l) => `${l.text}\n`)
    .join("");
  return lines ? lines.slice(-2048) : undefined;
};

const terminatedOf = (i: Instance, spec: Container): V1ContainerStateJson["terminated"] => {
  const message = fallbackMessage(i, spec);
  return {
    exitCode: i.exitCode ?? 0,
    reason: i.reason,
    ...(message ? { message } : {}),
    startedAt: rfc3339(i.startedAt),
    finishedAt: rfc3339(i.finishedAt!),
    containerID: i.containerID,
  };
};

const lastStateOf = (i: Instance | undefined, spec: Container): V1ContainerStateJson =>
  i?.finishedAt !== undefined ? { terminated: terminatedOf(i, spec) } : {};

const containerStatus = (pod: Pod, c: ContainerRuntime, spec: Container, now: number, hasInit: boolean): ContainerStatus => {
  const inst = c.current;
  let state: V1ContainerStateJson;
  let lastState = lastStateOf(c.previous, spec);
  let ready = false;
  let started = false;
  let showsInstance = true;
  switch (c.stage) {
    case "running": {
      const b = behaviourOf(pod, spec);
      state = { running: { startedAt: rfc3339(inst!.startedAt) } };
      started = now >= startedAt(spec, b, inst!);
      ready = !c.init && started && now >= readyAt(spec, b, inst!) && failingProbe(spec, b, inst!.image, inst) !== "readiness";
      break;
    }
    case "exited":
    case "terminated":
      state = { terminated: terminatedOf(inst!, spec) };
      // A completed init container counts as ready.
      ready = c.init && inst!.exitCode === 0;
      break;
    case "crash-backoff":
    case "pull-error":
    case "pull-backoff":
    case "create-error":
      state = { waiting: { ...c.waiting! } };
      lastState = lastStateOf(inst, spec);
      showsInstance = c.stage === "crash-backoff";
      break;
    default:
      // Not started (yet, or again): the last instance still shows as terminated while the next one is made.
      if (inst?.finishedAt !== undefined) state = { terminated: terminatedOf(inst, spec) };
      else {
        state = { waiting: { reason: hasInit ? "PodInitializing" : "ContainerCreating" } };
        showsInstance = false;
      }
  }
  const shown = showsInstance ? inst : undefined;
  return {
    name: c.name,
    state,
    lastState,
    ready,
    restartCount: Math.max(0, c.created - 1),
    image: shown ? shown.imageRef : (spec.image ?? ""),
    imageID: shown ? shown.imageID : "",
    ...(inst ? { containerID: inst.containerID } : {}),
    started,
  };
};

/** kubelet getPhase. */
const phaseOf = (pod: Pod, init: ContainerStatus[], regular: ContainerStatus[]): PodStatus["phase"] => {
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of init) {
    if (s.state.running) pendingInit++;
    else if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.lastState.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of regular) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  const policy = pod.spec.restartPolicy ?? "Always";
  if (failedInit > 0 && policy === "Never") return "Failed";
  if (pendingInit > 0 || waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    return policy === "Never" ? "Failed" : "Running";
  }
  return "Pending";
};

/** A condition, keeping lastTransitionTime while its status does not change. */
const condition = (
  prev: Condition[],
  now: string,
  type: string,
  status: "True" | "False",
  reason?: string,
  message?: string,
): Condition => {
  const old = prev.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
};

const names = (list: string[]): string => `[${list.join(" ")}]`;

const conditionsOf = (
  prev: Condition[],
  now: string,
  phase: PodStatus["phase"],
  init: ContainerStatus[],
  regular: ContainerStatus[],
): Condition[] => {
  const terminal = phase === "Succeeded" || phase === "Failed";
  const terminalReason = phase === "Succeeded" ? "PodCompleted" : "PodFailed";
  const anyStarted = regular.some((s) => s.state.running || s.state.terminated || s.lastState.terminated);
  const incomplete = init.filter((s) => !(s.state.terminated && s.state.terminated.exitCode === 0)).map((s) => s.name);
  const initialized =
    anyStarted || incomplete.length === 0
      ? condition(prev, now, "Initialized", "True", phase === "Succeeded" ? "PodCompleted" : undefined)
      : condition(prev, now, "Initialized", "False", "ContainersNotInitialized", `containers with incomplete status: ${names(incomplete)}`);
  const unready = regular.filter((s) => !s.ready).map((s) => s.name);
  const readiness = (type: string): Condition =>
    terminal
      ? condition(prev, now, type, "False", terminalReason)
      : unready.length === 0
        ? condition(prev, now, type, "True")
        : condition(prev, now, type, "False", "ContainersNotReady", `containers with unready status: ${names(unready)}`);
  const scheduled = prev.find((c) => c.type === "PodScheduled") ?? condition(prev, now, "PodScheduled", "True");
  const own = new Set(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]);
  return [
    condition(prev, now, "PodReadyToStartContainers", terminal ? "False" : "True"),
    initialized,
    readiness("Ready"),
    readiness("ContainersReady"),
    scheduled,
    ...prev.filter((c) => !own.has(c.type)),
  ];
};

export interface Addresses {
  hostIP: string;
  podIP: string;
}

/** A pod the kubelet failed as a whole (activeDeadlineSeconds). */
export interface PodFailure {
  reason: string;
  message: string;
}

/** A deleted pod whose containers have all stopped is terminal (kubelet getPhase with podIsTerminal). */
const terminalPhase = (phase: PodStatus["phase"], regular: ContainerStatus[]): PodStatus["phase"] => {
  if (phase === "Pending" || phase === "Succeeded" || phase === "Failed") return phase;
  return regular.every((s) => s.state.terminated?.exitCode === 0) ? "Succeeded" : "Failed";
};

export const buildPodStatus = (
  pod: Pod,
  rt: PodRuntime,
  now: number,
  addr: Addresses,
  failure?: PodFailure,
  terminated = false,
): PodStatus => {
  const prev = pod.status ?? { phase: "Pending" };
  const inits = pod.spec.initContainers ?? [];
  const hasInit = inits.length > 0;
  const statusOf = (spec: Container): ContainerStatus => containerStatus(pod, rt.containers.get(spec.name)!, spec, now, hasInit);
  const init = inits.map(statusOf);
  const regular = pod.spec.containers.map(statusOf);
  const phase = failure ? "Failed" : terminated ? terminalPhase(phaseOf(pod, init, regular), regular) : phaseOf(pod, init, regular);
  const ts = rfc3339(now);
  const status: PodStatus & { hostIPs?: Array<{ ip: string }> } = {
    ...prev,
    phase,
    conditions: conditionsOf(prev.conditions ?? [], ts, phase, init, regular),
    hostIP: addr.hostIP,
    hostIPs: [{ ip: addr.hostIP }],
    podIP: addr.podIP,
    podIPs: [{ ip: addr.podIP }],
    startTime: prev.startTime ?? ts,
    ...(hasInit ? { initContainerStatuses: init } : {}),
    containerStatuses: regular,
    ...(failure ?? {}),
  };
  return status;
};

/** When the status would next change by time alone (a container becoming started or ready). */
export const nextStatusChange = (pod: Pod, rt: PodRuntime, now: number): number => {
  let next = Infinity;
  for (const spec of pod.spec.containers) {
    const c = rt.containers.get(spec.name);
    if (c?.stage !== "running" || !c.current) continue;
    const b = behaviourOf(pod, spec);
    for (const t of [startedAt(spec, b, c.current), readyAt(spec, b, c.current)]) if (t > now && t < next) next = t;
  }
  return next;
};
