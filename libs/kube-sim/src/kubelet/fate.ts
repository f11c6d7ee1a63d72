// How a running container instance ends, from the behaviour and the pod's current spec: a crash (exit code,
// missing env, a crashing image), an OOM kill (demand above the limit at start-up, or a leak reaching it),
// completion, or a liveness kill. The earliest wins; none means it runs until stopped. Also the probe timing that
// readiness, start-up and liveness follow.
import { bytes, formatBytes } from "../quantity.js";
import { containerBehaviour, type ContainerBehaviour } from "../behaviour/vocabulary.js";
import type { Container, KubeObject } from "../types.js";
import { imageFault } from "./images.js";
import { probeFault, probeKillAt, probeTiming, type ProbeKind, type ProbeTiming } from "./probe-faults.js";
import { dependencyUnready, startFailure } from "./dependency-state.js";
import type { EndCause, Instance } from "./runtime.js";

export interface Plan {
  at: number;
  exitCode: number;
  reason: "Error" | "OOMKilled" | "Completed";
  cause: EndCause;
  lastWords: string[];
  /** For a probe kill: the probe that failed. */
  probe?: "liveness" | "startup";
}

// Stored objects are never changed in place (a write stores a new object), so behaviour parsed from one stays valid.
const parsed = new WeakMap<KubeObject, Map<string, ContainerBehaviour>>();

/** containerBehaviour, parsed once per stored pod object and container. */
export const behaviourOf = (pod: KubeObject, c: Container): ContainerBehaviour => {
  let byName = parsed.get(pod);
  if (!byName) parsed.set(pod, (byName = new Map()));
  let b = byName.get(c.name);
  if (!b) byName.set(c.name, (b = containerBehaviour(pod, c)));
  return b;
};

/** An init container with nothing else to say about it finishes after this long. */
const INIT_RUN_SECONDS = 1;

export const memoryLimit = (c: Container): number | undefined => {
  const l = c.resources?.limits?.memory;
  return l === undefined ? undefined : bytes(l);
};

export { probeTiming, type ProbeTiming } from "./probe-faults.js";

/** The first probe runs one period after the initial delay; failures repeat every period. */
export const firstProbeAt = (startedAt: number, t: ProbeTiming): number => startedAt + t.initialDelayMs + t.periodMs;

/** When the container counts as started: at once, or once its startup probe passes. */
export const startedAt = (c: Container, b: ContainerBehaviour, inst: Instance): number =>
  c.startupProbe ? inst.startedAt + Math.max(b.startupSeconds * 1000, probeTiming(c.startupProbe).initialDelayMs) : inst.startedAt;

/** When the app is up and (absent a faulty probe) ready: after start-up, and not before the readiness probe's delay. */
export const readyAt = (c: Container, b: ContainerBehaviour, inst: Instance): number => {
  const delay = c.readinessProbe ? probeTiming(c.readinessProbe).initialDelayMs : 0;
  return Math.max(inst.startedAt + Math.max(b.startupSeconds * 1000, delay), startedAt(c, b, inst));
};

/** The probe of this instance that fails, if any (see probe-faults.ts; an unreachable dependency fails readiness). */
export const failingProbe = (c: Container, b: ContainerBehaviour, image: string, inst?: Instance): ProbeKind | undefined => {
  const fault = imageFault(b, image);
  if (c.readinessProbe && fault !== "liveness" && dependencyUnready(inst)) return "readiness";
  return probeFault(c, b, image)?.kind;
};

export const planFor = (c: Container, b: ContainerBehaviour, inst: Instance, init: boolean): Plan | undefined => {
  const s = inst.startedAt;
  const plans: Plan[] = [];
  const crashAt = s + b.crashAfterSeconds * 1000;
  if (inst.missingEnv) {
    plans.push({
      at: crashAt,
      exitCode: 1,
      reason: "Error",
      cause: "env",
      lastWords: [`FATAL: missing required environment variable ${inst.missingEnv}`],
    });
  }
  const fatal = startFailure(inst);
  if (fatal) plans.push({ at: crashAt, exitCode: 1, reason: "Error", cause: "env", lastWords: fatal });
  const crashLog = b.crashLog.split("\n");
  if (b.crashExitCode !== undefined) {
    plans.push({
      at: crashAt,
      exitCode: b.crashExitCode,
      reason: b.crashExitCode === 0 ? "Completed" : "Error",
      cause: "crash",
      lastWords: crashLog,
    });
  }
  if (imageFault(b, inst.image) === "crash") plans.push({ at: crashAt, exitCode: 1, reason: "Error", cause: "crash", lastWords: crashLog });
  const limit = memoryLimit(c);
  if (limit !== undefined) {
    if (b.memoryDemand > limit) {
      plans.push({
        at: s + b.startupSeconds * 1000,
        exitCode: 137,
        reason: "OOMKilled",
        cause: "oom",
        lastWords: [`allocating ${formatBytes(b.memoryDemand)} for the working set`],
      });
    } else if (b.memoryLeakPerSecond > 0) {
      plans.push({
        at: s + Math.ceil(((limit - b.memoryDemand) / b.memoryLeakPerSecond) * 1000),
        exitCode: 137,
        reason: "OOMKilled",
        cause: "leak",
        lastWords: [],
      });
    }
  }
  const completeSeconds = b.completeAfterSeconds ?? (init ? INIT_RUN_SECONDS : undefined);
  if (completeSeconds !== undefined)
    plans.push({ at: s + completeSeconds * 1000, exitCode: 0, reason: "Completed", cause: "complete", lastWords: [] });
  const probe = probeFault(c, b, inst.image);
  const killAt = probe ? probeKillAt(s, probe) : undefined;
  if (probe && killAt !== undefined) {
    plans.push({
      at: killAt,
      exitCode: 137,
      reason: "Error",
      cause: "liveness",
      lastWords: [],
      probe: probe.kind === "startup" ? "startup" : "liveness",
    });
  }
  let first: Plan | undefined;
  for (const p of plans) if (!first || p.at < first.at) first = p;
  return first;
};
