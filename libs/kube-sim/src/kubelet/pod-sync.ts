// SyncPod for one pod: init containers one at a time, in order, each to successful completion; then every regular
// container. A pod the kubelet has not seen (or that was created with a status) starts from what its status shows.
import type { Container, ContainerStatus, Pod } from "../types.js";
import { advanceContainer, newContainer, type SyncContext } from "./container.js";
import { behaviourOf } from "./fate.js";
import { imageID, normalizeImage } from "./images.js";
import type { PodFailure } from "./pod-status.js";
import type { ContainerRuntime, PodRuntime } from "./runtime.js";

const parseTime = (v: unknown): number | undefined => {
  const t = typeof v === "string" ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
};

/** Picks up a container the status shows as running (or, for init containers, completed). */
const adopt = (pod: Pod, c: ContainerRuntime, spec: Container, s: ContainerStatus | undefined): void => {
  const running = parseTime(s?.state.running?.startedAt);
  const done = s?.state.terminated;
  if (!s?.containerID || (running === undefined && !(c.init && done?.exitCode === 0))) return;
  const b = behaviourOf(pod, spec);
  const startedAt = running ?? parseTime(done?.startedAt) ?? 0;
  c.current = {
    containerID: s.containerID,
    image: spec.image ?? "",
    imageRef: normalizeImage(spec.image ?? ""),
    imageID: s.imageID || imageID(spec.image ?? ""),
    startedAt,
    log: b.log,
    upAt: startedAt + b.startupSeconds * 1000,
  };
  c.created = (s.restartCount ?? 0) + 1;
  if (running !== undefined) {
    c.stage = "running";
    c.since = running;
  } else {
    Object.assign(c.current, { finishedAt: parseTime(done?.finishedAt) ?? startedAt, exitCode: 0, reason: "Completed", cause: "complete" });
    c.stage = "terminated";
  }
};

export const newPodRuntime = (pod: Pod, now: number): PodRuntime => {
  const rt: PodRuntime = { uid: pod.metadata.uid!, containers: new Map(), nextDue: now };
  const inits = pod.spec.initContainers ?? [];
  inits.forEach((spec, i) => {
    const c = newContainer(spec.name, true, spec.image ?? "", i === 0 ? "new" : "blocked", now);
    adopt(
      pod,
      c,
      spec,
      pod.status?.initContainerStatuses?.find((s) => s.name === spec.name),
    );
    rt.containers.set(spec.name, c);
  });
  for (const spec of pod.spec.containers) {
    const c = newContainer(spec.name, false, spec.image ?? "", inits.length ? "blocked" : "new", now);
    adopt(
      pod,
      c,
      spec,
      pod.status?.containerStatuses?.find((s) => s.name === spec.name),
    );
    rt.containers.set(spec.name, c);
  }
  return rt;
};

const unblock = (c: ContainerRuntime, at: number): void => {
  if (c.stage !== "blocked") return;
  c.stage = "new";
  c.since = at;
  c.nextEventAt = at;
};

/** Advances the pod's containers to now; returns when the next transition is due. */
export const syncPod = (ctx: SyncContext, rt: PodRuntime): number => {
  let next = Infinity;
  let readyFrom = ctx.now;
  for (const spec of ctx.pod.spec.initContainers ?? []) {
    const c = rt.containers.get(spec.name);
    if (!c) continue;
    unblock(c, readyFrom);
    next = Math.min(next, advanceContainer(ctx, c, spec));
    if (c.stage !== "terminated" || c.current?.exitCode !== 0) return next;
    readyFrom = c.since;
  }
  for (const spec of ctx.pod.spec.containers) {
    const c = rt.containers.get(spec.name);
    if (!c) continue;
    unblock(c, readyFrom);
    next = Math.min(next, advanceContainer(ctx, c, spec));
  }
  return next;
};

const DEADLINE_MESSAGE = "Pod was active on the node longer than the specified deadline";

/** activeDeadlineSeconds passed: the kubelet kills the running containers and fails the pod. */
export const failForDeadline = (ctx: SyncContext, rt: PodRuntime, at: number): PodFailure => {
  for (const c of rt.containers.values()) {
    if (c.stage !== "running" || !c.current) continue;
    Object.assign(c.current, { finishedAt: at, exitCode: 137, reason: "Error", cause: "killed", lastWords: [] });
    c.stage = "terminated";
    c.since = at;
  }
  try {
    ctx.cluster.events.record(ctx.pod, "DeadlineExceeded", DEADLINE_MESSAGE, {
      type: "Warning",
      source: { component: "kubelet", host: ctx.nodeName },
    });
  } catch {
    // events are best effort
  }
  return { reason: "DeadlineExceeded", message: DEADLINE_MESSAGE };
};
