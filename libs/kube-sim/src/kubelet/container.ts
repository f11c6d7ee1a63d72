// One container's life on the kubelet, as a state machine driven by time: ensure the image (pull, or back off),
// create (env resolved now), run until its fate, then restart with the kubelet's exponential back-off or stop,
// per restart policy. Every transition happens at its due time, so a large clock step replays them in order.
import { randomBytes } from "node:crypto";
import type { Cluster } from "../cluster.js";
import type { ContainerBehaviour } from "../behaviour/vocabulary.js";
import type { Container, Pod } from "../types.js";
import { firstMissing, resolveEnv } from "./env.js";
import { behaviourOf, failingProbe, firstProbeAt, planFor, probeTiming } from "./fate.js";
import { goDuration, imageFault, imageID, imageSize, normalizeImage, pullMillis, pullNotFoundMessage } from "./images.js";
import { probeFailure } from "./probes.js";
import { probeFault, type ProbeKind } from "./probe-faults.js";
import { registryOf } from "./registry.js";
import { checkDependencies, checkPeriodMs, dependencyDelayMs, hasDependencies, startDependencies } from "./dependencies.js";
import type { Backoff, ContainerRuntime, Instance, NodeRuntime } from "./runtime.js";

export interface SyncContext {
  cluster: Cluster;
  pod: Pod;
  nodeName: string;
  node: NodeRuntime;
  now: number;
  /** `web-abc_default(<uid>)`, as the kubelet names pods in messages. */
  podRef: string;
  podIP?: string;
}

/** How the prober names each probe in its Unhealthy events. */
const PROBE_LABEL: Record<ProbeKind, "Readiness" | "Liveness" | "Startup"> = {
  readiness: "Readiness",
  liveness: "Liveness",
  startup: "Startup",
};

/** The kubelet notices a change (PLEG relist) and syncs the pod again within about a second. */
const SYNC_MS = 1000;
/** While failing or backing off, the pod worker re-syncs (and re-records its events) about every 10 s. */
const REPEAT_MS = 10_000;
const INITIAL_BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 300_000;

export const newContainer = (name: string, init: boolean, image: string, stage: "new" | "blocked", now: number): ContainerRuntime => ({
  name,
  init,
  stage,
  since: now,
  image,
  created: 0,
  pullBackoff: new Map(),
  nextEventAt: now,
  nextProbeAt: Infinity,
});

/** flowcontrol.Backoff.Next: start at 10 s, double up to 5 min; an entry idle for twice the maximum starts over. */
const nextBackoff = (bo: Backoff | undefined, key: string, t: number): Backoff =>
  !bo || t - bo.lastUpdate > 2 * MAX_BACKOFF_MS
    ? { ms: INITIAL_BACKOFF_MS, lastUpdate: t, key }
    : { ms: Math.min(2 * bo.ms, MAX_BACKOFF_MS), lastUpdate: t, key };

/** Events are best effort, as client-go's recorder makes them: a failure to record one never fails the sync. */
const emit = (ctx: SyncContext, c: ContainerRuntime, type: "Normal" | "Warning", reason: string, message: string): void => {
  try {
    ctx.cluster.events.record(ctx.pod, reason, message, {
      type,
      source: { component: "kubelet", host: ctx.nodeName },
      fieldPath: `spec.${c.init ? "initContainers" : "containers"}{${c.name}}`,
    });
  } catch {
    // dropped, like an event the broadcaster could not write
  }
};

const enter = (c: ContainerRuntime, stage: ContainerRuntime["stage"], t: number): void => {
  c.stage = stage;
  c.since = t;
};

/** A failure the kubelet retries every sync; its events repeat only every REPEAT_MS. */
const fail = (ctx: SyncContext, c: ContainerRuntime, t: number, reason: string, message: string, events: Array<[string, string]>): void => {
  const again = c.stage === "create-error" && c.waiting?.reason === reason && c.waiting.message === message;
  enter(c, "create-error", t);
  c.waiting = { reason, message };
  if (again && t < c.nextEventAt) return;
  for (const [r, m] of events) emit(ctx, c, "Warning", r, m);
  c.nextEventAt = t + REPEAT_MS;
};

const enterPullBackoff = (ctx: SyncContext, c: ContainerRuntime, t: number): void => {
  enter(c, "pull-backoff", t);
  c.waiting = { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` };
  emit(ctx, c, "Normal", "BackOff", `Back-off pulling image "${c.image}"`);
  emit(ctx, c, "Warning", "Failed", "Error: ImagePullBackOff");
  c.nextEventAt = t + REPEAT_MS;
};

const enterCrashBackoff = (ctx: SyncContext, c: ContainerRuntime, t: number): void => {
  enter(c, "crash-backoff", t);
  c.waiting = {
    reason: "CrashLoopBackOff",
    message: `back-off ${goDuration(c.crashBackoff!.ms)} restarting failed container=${c.name} pod=${ctx.podRef}`,
  };
  emit(ctx, c, "Warning", "BackOff", `Back-off restarting failed container ${c.name} in pod ${ctx.podRef}`);
  c.nextEventAt = t + REPEAT_MS;
};

/** Creates and starts a container instance; the environment is resolved now, against the current ConfigMaps/Secrets. */
const create = (ctx: SyncContext, c: ContainerRuntime, spec: Container, b: ContainerBehaviour, t: number): void => {
  const env = resolveEnv(ctx.cluster, ctx.pod, spec);
  if (!env.ok) {
    c.retry = "create";
    fail(ctx, c, t, "CreateContainerConfigError", env.message, [["Failed", `Error: ${env.message}`]]);
    return;
  }
  const missing = firstMissing(b.requiresEnv, env.values);
  const inst: Instance = {
    containerID: `containerd://${randomBytes(32).toString("hex")}`,
    image: c.image,
    imageRef: normalizeImage(c.image),
    imageID: imageID(c.image),
    startedAt: t,
    log: b.log,
    ...(missing ? { missingEnv: missing } : { upAt: t + b.startupSeconds * 1000 }),
  };
  const fatal = missing ? undefined : startDependencies(ctx.cluster, ctx.pod, spec, b, inst, env.values);
  if (fatal) delete inst.upAt;
  c.previous = c.current;
  c.current = inst;
  c.created++;
  emit(ctx, c, "Normal", "Created", `Created container: ${c.name}`);
  emit(ctx, c, "Normal", "Started", `Started container ${c.name}`);
  enter(c, "running", t);
  c.waiting = undefined;
  c.retry = undefined;
  const fault = probeFault(spec, b, inst.image);
  c.nextProbeAt = fault ? firstProbeAt(t, probeTiming(fault.probe)) : Infinity;
  if (hasDependencies(b) && !fatal && !missing) c.nextProbeAt = Math.min(c.nextProbeAt, t + dependencyDelayMs(spec));
};

/** EnsureImageExists, then create. */
const ensureImage = (ctx: SyncContext, c: ContainerRuntime, spec: Container, b: ContainerBehaviour, t: number): void => {
  c.image = spec.image ?? "";
  const present = ctx.node.images.has(normalizeImage(c.image));
  const policy = spec.imagePullPolicy ?? "IfNotPresent";
  if (policy === "Never" && !present) {
    c.retry = "image";
    const msg = `Container image "${c.image}" is not present with pull policy of Never`;
    fail(ctx, c, t, "ErrImageNeverPull", msg, [
      ["ErrImageNeverPull", msg],
      ["Failed", "Error: ErrImageNeverPull"],
    ]);
    return;
  }
  if (policy !== "Always" && present) {
    emit(ctx, c, "Normal", "Pulled", `Container image "${c.image}" already present on machine`);
    create(ctx, c, spec, b, t);
    return;
  }
  const bo = c.pullBackoff.get(c.image);
  if (bo && t - bo.lastUpdate < bo.ms) {
    enterPullBackoff(ctx, c, t);
    return;
  }
  emit(ctx, c, "Normal", "Pulling", `Pulling image "${c.image}"`);
  enter(c, "pulling", t);
};

const pulled = (ctx: SyncContext, c: ContainerRuntime, spec: Container, b: ContainerBehaviour, t: number): void => {
  if (imageFault(b, c.image) === "unpullable" || !registryOf(ctx.cluster).has(c.image)) {
    const msg = pullNotFoundMessage(c.image);
    emit(ctx, c, "Warning", "Failed", `Failed to pull image "${c.image}": ${msg}`);
    emit(ctx, c, "Warning", "Failed", "Error: ErrImagePull");
    c.pullBackoff.set(c.image, nextBackoff(c.pullBackoff.get(c.image), c.image, t));
    enter(c, "pull-error", t);
    c.waiting = { reason: "ErrImagePull", message: msg };
    return;
  }
  ctx.node.images.add(normalizeImage(c.image));
  const d = goDuration(pullMillis(c.image));
  emit(
    ctx,
    c,
    "Normal",
    "Pulled",
    `Successfully pulled image "${c.image}" in ${d} (${d} including waiting). Image size: ${imageSize(c.image)} bytes.`,
  );
  create(ctx, c, spec, b, t);
};

const finish = (
  c: ContainerRuntime,
  t: number,
  end: { exitCode: number; reason: Instance["reason"]; cause: Instance["cause"]; lastWords: string[] },
): void => {
  const inst = c.current!;
  Object.assign(inst, { finishedAt: t, exitCode: end.exitCode, reason: end.reason, cause: end.cause, lastWords: end.lastWords });
  enter(c, "exited", t);
  c.nextProbeAt = Infinity;
};

/** After an exit: restart per policy, at once the first time, then after the back-off (doBackOff). */
const decide = (ctx: SyncContext, c: ContainerRuntime, spec: Container, t: number): void => {
  const inst = c.current!;
  const exit = inst.exitCode ?? 0;
  const policy = ctx.pod.spec.restartPolicy ?? "Always";
  const restart = c.init ? exit !== 0 && policy !== "Never" : policy === "Always" || (policy === "OnFailure" && exit !== 0);
  if (!restart) {
    enter(c, "terminated", t);
    return;
  }
  // The back-off is keyed by the container spec's hash: a changed image starts afresh.
  const bo = c.crashBackoff?.key === spec.image ? c.crashBackoff : undefined;
  const finished = inst.finishedAt!;
  if (bo && finished - bo.lastUpdate <= 2 * MAX_BACKOFF_MS && t - finished < bo.ms) {
    enterCrashBackoff(ctx, c, t);
    return;
  }
  c.crashBackoff = nextBackoff(bo, spec.image ?? "", t);
  enter(c, "new", t);
};

const dueOf = (ctx: SyncContext, c: ContainerRuntime, spec: Container, b: ContainerBehaviour): number => {
  switch (c.stage) {
    case "blocked":
    case "terminated":
      return Infinity;
    case "new":
      return c.since;
    case "pulling":
      return c.since + pullMillis(c.image);
    case "pull-error":
    case "create-error":
    case "exited":
      return c.since + SYNC_MS;
    case "pull-backoff": {
      const bo = c.pullBackoff.get(c.image);
      return bo ? Math.min(bo.lastUpdate + bo.ms, c.nextEventAt) : c.since;
    }
    case "crash-backoff":
      return Math.min(c.current!.finishedAt! + c.crashBackoff!.ms, c.nextEventAt);
    case "running":
      return Math.min(planFor(spec, b, c.current!, c.init)?.at ?? Infinity, c.nextProbeAt);
  }
};

const step = (ctx: SyncContext, c: ContainerRuntime, spec: Container, b: ContainerBehaviour, t: number): void => {
  switch (c.stage) {
    case "new":
      return ensureImage(ctx, c, spec, b, t);
    case "pulling":
      return pulled(ctx, c, spec, b, t);
    case "pull-error": {
      const bo = c.pullBackoff.get(c.image);
      if (bo && t - bo.lastUpdate < bo.ms) enterPullBackoff(ctx, c, t);
      else enter(c, "new", t);
      return;
    }
    case "pull-backoff": {
      const bo = c.pullBackoff.get(c.image);
      if (!bo || t >= bo.lastUpdate + bo.ms) return enter(c, "new", t);
      emit(ctx, c, "Normal", "BackOff", `Back-off pulling image "${c.image}"`);
      emit(ctx, c, "Warning", "Failed", "Error: ImagePullBackOff");
      c.nextEventAt = t + REPEAT_MS;
      return;
    }
    case "create-error":
      return c.retry === "image" ? ensureImage(ctx, c, spec, b, t) : create(ctx, c, spec, b, t);
    case "running": {
      const plan = planFor(spec, b, c.current!, c.init);
      if (c.nextProbeAt <= t && c.nextProbeAt <= (plan?.at ?? Infinity)) {
        const depsFailing = hasDependencies(b) && checkDependencies(ctx.cluster, ctx.pod, spec, b, c.current!, t);
        const kind = depsFailing && spec.readinessProbe ? "readiness" : failingProbe(spec, b, c.current!.image, c.current);
        const fault = depsFailing ? undefined : probeFault(spec, b, c.current!.image);
        const probe = fault?.probe ?? (kind === "liveness" ? spec.livenessProbe : spec.readinessProbe);
        if (kind && probe) emit(ctx, c, "Warning", "Unhealthy", probeFailure(PROBE_LABEL[kind], probe, spec, ctx.podIP, fault?.cause));
        c.nextProbeAt += probe ? probeTiming(probe).periodMs : checkPeriodMs(spec);
        return;
      }
      if (plan?.cause === "liveness")
        emit(ctx, c, "Normal", "Killing", `Container ${c.name} failed ${plan.probe ?? "liveness"} probe, will be restarted`);
      return finish(c, t, plan!);
    }
    case "exited":
      return decide(ctx, c, spec, t);
    case "crash-backoff": {
      const bo = c.crashBackoff!;
      if (t >= c.current!.finishedAt! + bo.ms) {
        c.crashBackoff = nextBackoff(bo, bo.key, t);
        return enter(c, "new", t);
      }
      emit(ctx, c, "Warning", "BackOff", `Back-off restarting failed container ${c.name} in pod ${ctx.podRef}`);
      c.nextEventAt = t + REPEAT_MS;
      return;
    }
    case "blocked":
    case "terminated":
      return;
  }
};

/** A changed image (pods allow image updates): the kubelet kills a running container and starts the new image at once. */
const onImageChange = (ctx: SyncContext, c: ContainerRuntime, spec: Container): void => {
  if (spec.image === c.image || ["blocked", "terminated", "exited"].includes(c.stage)) return;
  if (c.stage === "running") {
    emit(ctx, c, "Normal", "Killing", `Container ${c.name} definition changed, will be restarted`);
    finish(c, ctx.now, { exitCode: 0, reason: "Completed", cause: "killed", lastWords: [] });
  }
  c.crashBackoff = undefined;
  c.waiting = undefined;
  c.image = spec.image ?? "";
  enter(c, "new", ctx.now);
};

/** Replays every transition due by now; returns when the next one is due. */
export const advanceContainer = (ctx: SyncContext, c: ContainerRuntime, spec: Container): number => {
  const b = behaviourOf(ctx.pod, spec);
  onImageChange(ctx, c, spec);
  for (let i = 0; i < 1000; i++) {
    const due = dueOf(ctx, c, spec, b);
    if (due > ctx.now) return due;
    step(ctx, c, spec, b, Math.max(due, c.since));
  }
  return ctx.now + SYNC_MS;
};
