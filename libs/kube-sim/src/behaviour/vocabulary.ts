// The `sim.vigil.dev/...` annotation vocabulary: how a scenario declares what a workload, node or volume
// does. Behaviour is evaluated against the object's *current* spec (limits, image, env), so the remediation
// an SRE would apply really changes the outcome.
import { bytes, cpuMillis } from "../quantity.js";
import type { Container, KubeObject } from "../types.js";
import { leakFor } from "./memory-leak.js";

export const PREFIX = "sim.vigil.dev/";

/** What an image version does when run (the "registry's" view of broken releases). */
export type ImageFault = "crash" | "unpullable" | "unready" | "liveness";

export interface ContainerBehaviour {
  /** Seconds from container start until the app is ready (and until an undersized memory limit OOM-kills it). */
  startupSeconds: number;
  /** Working set the app needs, in bytes. */
  memoryDemand: number;
  /** Working-set growth in bytes per second since the container started (a leak). */
  memoryLeakPerSecond: number;
  cpuDemandMillis: number;
  /** Milliseconds the app takes to answer a request (and its probes) given all the CPU it demands; CFS throttling stretches it. */
  responseMs: number;
  /** Exit code the app crashes with, `crashAfterSeconds` after starting; undefined: it doesn't crash. */
  crashExitCode?: number;
  crashAfterSeconds: number;
  crashLog: string;
  /** Environment variables the app exits without. */
  requiresEnv: string[];
  imageFaults: Map<string, ImageFault>;
  /** For batch work: exits 0 after this many seconds. */
  completeAfterSeconds?: number;
  /** Lines the app logs while healthy. */
  log: string[];
  /** Variables that must hold a URL (of an allowed scheme) to a reachable in-cluster Service: else exit 1 at start. */
  serviceUrls: ServiceUrlRule[];
  /** URLs the app calls while running: while one is unreachable, its readiness fails and it logs the error. */
  upstreams: string[];
  /** The app is an ingress controller (ingress-nginx): it logs its warnings about Ingress backends. */
  ingressController: boolean;
  /** Bytes per second the container writes to its writable layer and logs while it runs (local ephemeral storage). */
  diskWritePerSecond: number;
}

/** `DATABASE_URL=postgres|postgresql`: the variable, and the URL schemes the app accepts (any when none). */
export interface ServiceUrlRule {
  env: string;
  schemes: string[];
}

const list = (v: string | undefined): string[] =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export const parseServiceUrlRules = (v: string | undefined): ServiceUrlRule[] =>
  list(v).map((part) => {
    const [env, schemes] = part.split("=");
    return {
      env: env!.trim(),
      schemes: (schemes ?? "")
        .split("|")
        .map((s) => s.trim())
        .filter(Boolean),
    };
  });

/** `20Mi/min`, `1Gi/h`, `512Ki/s` → bytes per second. */
export const parseRate = (v: string): number => {
  const m = /^\s*([^/\s]+)\s*\/\s*(s|sec|m|min|h|hour)\s*$/.exec(v);
  if (!m) throw new Error(`invalid rate "${v}": expected <quantity>/<s|min|h>, e.g. 20Mi/min`);
  const per = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hour: 3600 }[m[2] as "s"];
  return bytes(m[1]!) / per;
};

const rateOrZero = (v: string | undefined): number => (v ? parseRate(v) : 0);

const lookup = (annotations: Record<string, string>, key: string, container: string): string | undefined =>
  annotations[`${PREFIX}${key}.${container}`] ?? annotations[`${PREFIX}${key}`];

const num = (v: string | undefined, fallback: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`invalid number "${v}"`);
  return n;
};

/** Parses `image=fault,image=fault`. Images compare by their full reference as written in the pod spec. */
export const parseImageFaults = (v: string | undefined): Map<string, ImageFault> => {
  const out = new Map<string, ImageFault>();
  for (const part of (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = part.lastIndexOf("=");
    const fault = part.slice(i + 1) as ImageFault;
    if (i <= 0 || !["crash", "unpullable", "unready", "liveness"].includes(fault)) {
      throw new Error(`invalid image fault "${part}": expected <image>=crash|unpullable|unready|liveness`);
    }
    out.set(part.slice(0, i), fault);
  }
  return out;
};

/**
 * Without a declared demand an app uses 64Mi, or half its memory limit when that is smaller: an undeclared
 * workload must never be OOM-killed just because its manifest sets a small limit.
 */
const defaultMemoryDemand = (container: Container): number => {
  const limit = container.resources?.limits?.memory;
  const dflt = 64 * 2 ** 20;
  return limit === undefined ? dflt : Math.min(dflt, Math.floor(bytes(limit) / 2));
};

/** A pod's behaviour for one container, from the pod's annotations (copied from its template). */
export const containerBehaviour = (pod: KubeObject, container: Container): ContainerBehaviour => {
  const a = pod.metadata.annotations ?? {};
  const get = (key: string) => lookup(a, key, container.name);
  const crash = get("crash-exit-code");
  const complete = get("complete-after-seconds");
  const memoryDemand = get("memory-demand");
  const cpuDemand = get("cpu-demand");
  // A leak may ship with some image versions only.
  const leak = leakFor(get("memory-leak") ?? "", container.image);
  return {
    startupSeconds: num(get("startup-seconds"), 2),
    memoryDemand: memoryDemand ? bytes(memoryDemand) : defaultMemoryDemand(container),
    memoryLeakPerSecond: leak ? parseRate(leak) : 0,
    cpuDemandMillis: cpuDemand ? cpuMillis(cpuDemand) : 10,
    responseMs: num(get("response-ms"), 20),
    ...(crash !== undefined ? { crashExitCode: num(crash, 1) } : {}),
    crashAfterSeconds: num(get("crash-after-seconds"), 1),
    crashLog: get("crash-log") ?? "fatal error, exiting",
    requiresEnv: (get("requires-env") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    imageFaults: parseImageFaults(get("image-faults")),
    ...(complete !== undefined ? { completeAfterSeconds: num(complete, 0) } : {}),
    log: (get("log") ?? `${container.name} started`).split("\n"),
    serviceUrls: parseServiceUrlRules(get("requires-service-url")),
    upstreams: list(get("upstreams")),
    ingressController: get("ingress-controller") === "true",
    diskWritePerSecond: rateOrZero(get("disk-write")),
  };
};

/** CPU the whole workload needs (e.g. `4000m`), shared across its ready pods: drives HPAs. */
export const workloadCpuDemand = (pod: KubeObject): number | undefined => {
  const v = pod.metadata.annotations?.[`${PREFIX}workload-cpu-demand`];
  return v ? cpuMillis(v) : undefined;
};

export interface NodeBehaviour {
  /** The kubelet stopped posting status: the node goes NotReady (Unknown) after the grace period. */
  kubeletStopped: boolean;
  diskPressure: boolean;
  pidPressure: boolean;
  memoryPressure: boolean;
  /** Memory used by the OS and system daemons, in bytes. */
  systemMemory: number;
}

export const nodeBehaviour = (node: KubeObject): NodeBehaviour => {
  const a = node.metadata.annotations ?? {};
  const flag = (k: string) => a[`${PREFIX}${k}`] === "true";
  const sys = a[`${PREFIX}system-memory`];
  return {
    kubeletStopped: a[`${PREFIX}kubelet`] === "stopped",
    diskPressure: flag("disk-pressure"),
    pidPressure: flag("pid-pressure"),
    memoryPressure: flag("memory-pressure"),
    systemMemory: sys ? bytes(sys) : 512 * 2 ** 20,
  };
};

export interface VolumeBehaviour {
  /** Bytes in use when the claim is bound. */
  used: number;
  /** Growth in bytes per second. */
  growthPerSecond: number;
}

export const volumeBehaviour = (pvc: KubeObject): VolumeBehaviour => {
  const a = pvc.metadata.annotations ?? {};
  const used = a[`${PREFIX}used`];
  const growth = a[`${PREFIX}growth`];
  return { used: used ? bytes(used) : 0, growthPerSecond: growth ? parseRate(growth) : 0 };
};
