// pods/log: the API server's container checks (LogLocation), the kubelet's (validateContainerLogStatus), then the
// chosen container instance's output, generated from the behaviour: what the app logs once up, and its last
// words when it crashes (an OOM-killed app just stops, or dies allocating).
import type { Cluster } from "../cluster.js";
import { rfc3339 } from "../clock.js";
import { ApiError, badRequest } from "../api/status.js";
import type { Container, ContainerStatus, Pod } from "../types.js";
import { behaviourOf } from "./fate.js";
import { dependencyLines } from "./dependency-state.js";
import { findInstance, type Instance } from "./runtime.js";

export interface LogOptions {
  container?: string;
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
}

export interface Line {
  at: number;
  text: string;
}

/** The container to read: the only one, or the one named (LogLocation). */
const containerName = (pod: Pod, requested: string | undefined): string => {
  const name = pod.metadata.name;
  const regular = pod.spec.containers.map((c) => c.name);
  const init = (pod.spec.initContainers ?? []).map((c) => c.name);
  const ephemeral = ((pod.spec.ephemeralContainers ?? []) as Array<{ name: string }>).map((c) => c.name);
  if (!requested) {
    if (regular.length === 1) return regular[0]!;
    if (regular.length === 0) throw badRequest(`no containers were found in pod ${name}`);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${regular.join(" ")}]`;
    if (init.length) msg += ` or one of the init containers: [${init.join(" ")}]`;
    if (ephemeral.length) msg += ` or one of the ephemeral containers: [${ephemeral.join(" ")}]`;
    throw badRequest(msg);
  }
  if (![...regular, ...init, ...ephemeral].includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
};

/** The container ID whose logs the kubelet serves, or its refusal. */
const chooseContainerID = (pod: Pod, container: string, previous: boolean): string => {
  const podName = pod.metadata.name;
  const status: ContainerStatus | undefined = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find(
    (s) => s.name === container,
  );
  const refuse = (msg: string): never => {
    throw new ApiError(400, "BadRequest", msg);
  };
  if (!status) return refuse(`container "${container}" in pod "${podName}" is not available`);
  const last = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  const lastID = typeof last?.containerID === "string" ? last.containerID : "";
  if (previous) {
    return lastID || refuse(`previous terminated container "${container}" in pod "${podName}" not found`);
  }
  if (running) return status.containerID ?? "";
  if (terminated) {
    const id = typeof terminated.containerID === "string" ? terminated.containerID : "";
    return id || lastID || refuse(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (last) return lastID || refuse(`container "${container}" in pod "${podName}" is terminated`);
  if (waiting) {
    const reason = String(waiting.reason ?? "");
    if (reason === "ErrImagePull") return refuse(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
    if (reason === "ImagePullBackOff")
      return refuse(`container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
    return refuse(`container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  return refuse(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
};

/** The instance's output up to now. */
export const instanceLines = (inst: Instance, now: number): Line[] => {
  const lines: Line[] = [];
  const end = inst.finishedAt ?? Infinity;
  if (inst.upAt !== undefined && inst.upAt <= now && inst.upAt < end) {
    inst.log.forEach((text, i) => lines.push({ at: inst.upAt! + i, text }));
  }
  if (inst.finishedAt !== undefined && inst.finishedAt <= now) {
    (inst.lastWords ?? []).forEach((text, i) => lines.push({ at: inst.finishedAt! + i, text }));
  }
  return [...lines, ...dependencyLines(inst, Math.min(now, end))].sort((a, b) => a.at - b.at);
};

/** An instance the kubelet no longer knows (e.g. adopted from a stored status): rebuilt from the status and behaviour. */
const fromStatus = (pod: Pod, spec: Container | undefined, status: ContainerStatus | undefined, id: string): Instance | undefined => {
  if (!spec || !status) return undefined;
  const b = behaviourOf(pod, spec);
  type State = Record<string, string | number | undefined>;
  const running: State | undefined = status.state?.running ? { ...status.state.running, containerID: status.containerID } : undefined;
  const s = [running, status.state?.terminated, status.lastState?.terminated].find((x) => x?.containerID === id);
  const startedAt = typeof s?.startedAt === "string" ? Date.parse(s.startedAt) : NaN;
  if (!s || !Number.isFinite(startedAt)) return undefined;
  const finishedAt = typeof s.finishedAt === "string" ? Date.parse(s.finishedAt) : undefined;
  return {
    containerID: id,
    image: spec.image ?? "",
    imageRef: "",
    imageID: "",
    startedAt,
    log: b.log,
    upAt: startedAt + b.startupSeconds * 1000,
    ...(finishedAt !== undefined && Number.isFinite(finishedAt) ? { finishedAt } : {}),
  };
};

/** 2006-01-02T15:04:05.000000000Z07:00, as the kubelet prefixes lines with --timestamps. */
const nanoTimestamp = (ms: number): string => `${rfc3339(ms).replace(/Z$/, "")}.${String(ms % 1000).padStart(3, "0")}000000Z`;

/** The container instance a log request reads, as the kubelet picks it (or undefined: nothing to read). */
export interface LogSource {
  podUid: string | undefined;
  container: string;
  containerID: string;
  /** Finds the instance again (it may have been replaced, or rebuilt from the stored status). */
  instance(pod: Pod): Instance | undefined;
}

export const logSource = (cluster: Cluster, pod: Pod, opts: LogOptions = {}): LogSource | undefined => {
  const container = containerName(pod, opts.container);
  // An unscheduled pod has nowhere to read logs from: the API server answers with nothing.
  if (!pod.spec.nodeName) return undefined;
  const containerID = chooseContainerID(pod, container, opts.previous === true);
  return {
    podUid: pod.metadata.uid,
    container,
    containerID,
    instance: (p) => {
      const spec = [...p.spec.containers, ...(p.spec.initContainers ?? [])].find((c) => c.name === container);
      const status = [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].find((s) => s.name === container);
      return findInstance(cluster, p.metadata.uid, container, containerID) ?? fromStatus(p, spec, status, containerID);
    },
  };
};

export const formatLines = (lines: Line[], timestamps: boolean | undefined): string =>
  lines.map((l) => `${timestamps ? `${nanoTimestamp(l.at)} ` : ""}${l.text}\n`).join("");

/** The lines a request asks for: all so far, then sinceSeconds and tailLines as the kubelet applies them. */
export const selectLines = (all: Line[], now: number, opts: LogOptions): Line[] => {
  let lines = all;
  if (opts.sinceSeconds !== undefined) lines = lines.filter((l) => l.at >= now - opts.sinceSeconds! * 1000);
  if (opts.tailLines !== undefined && opts.tailLines >= 0) lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);
  return lines;
};

export const podLogs = (cluster: Cluster, pod: Pod, opts: LogOptions = {}): string => {
  const source = logSource(cluster, pod, opts);
  const inst = source?.instance(pod);
  const now = cluster.now();
  return formatLines(selectLines(inst ? instanceLines(inst, now) : [], now, opts), opts.timestamps);
};
