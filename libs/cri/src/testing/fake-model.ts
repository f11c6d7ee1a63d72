// What the fake runtime serves: pods and containers as plain mutable objects (tests bump counters
// between calls), rendered into CRI v1 messages shaped like containerd's answers.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Container, ContainerState, ContainerStats, Labels, PodSandbox, PodSandboxStats, UInt64Value } from "../types.js";

export type FakeContainerState = "created" | "running" | "exited" | "unknown";

/** Container usage; an undefined field is not reported (its UInt64Value wrapper is left unset). */
export interface FakeUsage {
  /** Cumulative CPU time, usage_core_nano_seconds. */
  cpuNs?: bigint;
  /** usage_nano_cores, which CRI-O and newer containerd report themselves. */
  nanoCores?: number;
  workingSetBytes?: number;
  availableBytes?: number;
  usageBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
  writableLayerBytes?: number;
  writableLayerInodes?: number;
  swapBytes?: number;
  swapAvailableBytes?: number;
}

/** Pod-level usage, served by ListPodSandboxStats (network is the pod's eth0). */
export interface FakePodUsage {
  cpuNs?: bigint;
  nanoCores?: number;
  workingSetBytes?: number;
  usageBytes?: number;
  processes?: number;
  rxBytes?: bigint;
  txBytes?: bigint;
  rxErrors?: bigint;
  txErrors?: bigint;
}

export interface FakeContainer {
  id: string;
  name: string;
  attempt: number;
  state: FakeContainerState;
  /** As the pod spec names it, e.g. docker.io/library/nginx:1.27. */
  image: string;
  createdAtNs: bigint;
  /** Stats are served for running containers that have usage. */
  usage?: FakeUsage;
}

export interface FakePod {
  sandboxId: string;
  uid: string;
  name: string;
  namespace: string;
  attempt: number;
  ready: boolean;
  createdAtNs: bigint;
  /** The pod's own labels (the io.kubernetes.pod.* ones are added when rendering). */
  labels: Labels;
  containers: FakeContainer[];
  usage?: FakePodUsage;
}

export interface FakeContainerSpec extends Partial<Omit<FakeContainer, "name" | "createdAtNs">> {
  name: string;
}

export interface FakePodSpec extends Partial<Omit<FakePod, "name" | "containers" | "createdAtNs">> {
  name: string;
  containers?: FakeContainerSpec[];
}

/** A 64-hex id, like containerd's sandbox and container ids. */
export const hexId = (): string => randomBytes(32).toString("hex");

export function makeContainer(spec: FakeContainerSpec, nowNs: bigint): FakeContainer {
  return { id: hexId(), attempt: 0, state: "running", image: `docker.io/library/${spec.name}:1.0`, createdAtNs: nowNs, ...spec };
}

export function makePod(spec: FakePodSpec, nowNs: bigint): FakePod {
  const { containers = [], ...rest } = spec;
  return {
    sandboxId: hexId(),
    uid: randomUUID(),
    namespace: "default",
    attempt: 0,
    ready: true,
    createdAtNs: nowNs,
    labels: {},
    ...rest,
    containers: containers.map((c) => makeContainer(c, nowNs)),
  };
}

const STATES: Record<FakeContainerState, ContainerState> = {
  created: "CONTAINER_CREATED",
  running: "CONTAINER_RUNNING",
  exited: "CONTAINER_EXITED",
  unknown: "CONTAINER_UNKNOWN",
};
const SNAPSHOTTER = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs";

const u64 = (v: number | bigint | undefined): UInt64Value | null => (v === undefined ? null : { value: String(v) });
const imageId = (image: string): string => `sha256:${createHash("sha256").update(image).digest("hex")}`;

function podLabels(pod: FakePod): Labels {
  return {
    ...pod.labels,
    "io.kubernetes.pod.name": pod.name,
    "io.kubernetes.pod.namespace": pod.namespace,
    "io.kubernetes.pod.uid": pod.uid,
  };
}

function containerLabels(pod: FakePod, c: FakeContainer): Labels {
  return {
    "io.kubernetes.container.name": c.name,
    "io.kubernetes.pod.name": pod.name,
    "io.kubernetes.pod.namespace": pod.namespace,
    "io.kubernetes.pod.uid": pod.uid,
  };
}

function containerAnnotations(c: FakeContainer): Labels {
  return {
    "io.kubernetes.container.hash": createHash("sha256").update(c.name).digest("hex").slice(0, 8),
    "io.kubernetes.container.restartCount": String(c.attempt),
    "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
    "io.kubernetes.container.terminationMessagePolicy": "File",
    "io.kubernetes.pod.terminationGracePeriod": "30",
  };
}

export function renderSandbox(pod: FakePod): PodSandbox {
  return {
    id: pod.sandboxId,
    metadata: { name: pod.name, uid: pod.uid, namespace: pod.namespace, attempt: pod.attempt },
    state: pod.ready ? "SANDBOX_READY" : "SANDBOX_NOTREADY",
    created_at: String(pod.createdAtNs),
    labels: podLabels(pod),
    annotations: {
      "kubernetes.io/config.seen": new Date(Number(pod.createdAtNs / 1_000_000n)).toISOString(),
      "kubernetes.io/config.source": "api",
    },
    runtime_handler: "",
  };
}

export function renderContainer(pod: FakePod, c: FakeContainer): Container {
  const id = imageId(c.image);
  return {
    id: c.id,
    pod_sandbox_id: pod.sandboxId,
    metadata: { name: c.name, attempt: c.attempt },
    // kubelet creates containers with the resolved image id and the name the pod spec used.
    image: { image: id, annotations: {}, user_specified_image: c.image, runtime_handler: "" },
    image_ref: id,
    state: STATES[c.state],
    created_at: String(c.createdAtNs),
    labels: containerLabels(pod, c),
    annotations: containerAnnotations(c),
    image_id: id,
  };
}

/** Stats of a running container with usage, as of `nowNs`; undefined otherwise (CRI lists running containers only). */
export function renderContainerStats(pod: FakePod, c: FakeContainer, nowNs: bigint): ContainerStats | undefined {
  const u = c.usage;
  if (c.state !== "running" || !u) return undefined;
  const timestamp = String(nowNs);
  return {
    attributes: {
      id: c.id,
      metadata: { name: c.name, attempt: c.attempt },
      labels: containerLabels(pod, c),
      annotations: containerAnnotations(c),
    },
    cpu: { timestamp, usage_core_nano_seconds: u64(u.cpuNs), usage_nano_cores: u64(u.nanoCores) },
    memory: {
      timestamp,
      working_set_bytes: u64(u.workingSetBytes),
      available_bytes: u64(u.availableBytes),
      usage_bytes: u64(u.usageBytes),
      rss_bytes: u64(u.rssBytes),
      page_faults: u64(u.pageFaults),
      major_page_faults: u64(u.majorPageFaults),
    },
    writable_layer:
      u.writableLayerBytes === undefined && u.writableLayerInodes === undefined
        ? null
        : { timestamp, fs_id: { mountpoint: SNAPSHOTTER }, used_bytes: u64(u.writableLayerBytes), inodes_used: u64(u.writableLayerInodes) },
    swap:
      u.swapBytes === undefined && u.swapAvailableBytes === undefined
        ? null
        : { timestamp, swap_available_bytes: u64(u.swapAvailableBytes), swap_usage_bytes: u64(u.swapBytes) },
  };
}

export function renderPodSandboxStats(pod: FakePod, nowNs: bigint): PodSandboxStats {
  const u = pod.usage ?? {};
  const timestamp = String(nowNs);
  const network =
    u.rxBytes === undefined && u.txBytes === undefined
      ? null
      : {
          timestamp,
          default_interface: {
            name: "eth0",
            rx_bytes: u64(u.rxBytes),
            rx_errors: u64(u.rxErrors),
            tx_bytes: u64(u.txBytes),
            tx_errors: u64(u.txErrors),
          },
          interfaces: [],
        };
  return {
    attributes: {
      id: pod.sandboxId,
      metadata: { name: pod.name, uid: pod.uid, namespace: pod.namespace, attempt: pod.attempt },
      labels: podLabels(pod),
      annotations: {},
    },
    linux: {
      cpu: { timestamp, usage_core_nano_seconds: u64(u.cpuNs), usage_nano_cores: u64(u.nanoCores) },
      memory: {
        timestamp,
        working_set_bytes: u64(u.workingSetBytes),
        available_bytes: null,
        usage_bytes: u64(u.usageBytes),
        rss_bytes: null,
        page_faults: null,
        major_page_faults: null,
      },
      network,
      process: u.processes === undefined ? null : { timestamp, process_count: u64(u.processes) },
      containers: pod.containers.flatMap((c) => renderContainerStats(pod, c, nowNs) ?? []),
    },
    windows: null,
  };
}
