import type { ContainerSample, PodSample } from "@vigil/contracts";
import type { CounterRates } from "./counter-rate.js";
import type { Container, ContainerState, ContainerStats, CpuUsage, PodSandbox, PodSandboxStats, UInt64Value } from "./types.js";

/** What one sample got from the runtime; a list is undefined when its call failed. */
export interface RuntimeLists {
  sandboxes: PodSandbox[];
  containers?: Container[];
  containerStats?: ContainerStats[];
  sandboxStats?: PodSandboxStats[];
}

/** Rate keys: containers under "c/", pods under "p/", so each can be swept when its call succeeded. */
export const CONTAINER_RATES = "c/";
export const POD_RATES = "p/";

const STATES: Record<ContainerState, NonNullable<ContainerSample["state"]>> = {
  CONTAINER_CREATED: "created",
  CONTAINER_RUNNING: "running",
  CONTAINER_EXITED: "exited",
  CONTAINER_UNKNOWN: "unknown",
};

/**
 * Joins ready sandboxes, their containers (by pod_sandbox_id) and stats (by attributes.id) into pod samples,
 * sorted by namespace/name and container name. Per container name only the latest attempt is kept: the
 * exited predecessors of a restarted container linger in ListContainers until kubelet garbage-collects them.
 * When ListContainers failed, running containers are still listed from their stats (matched to the pod by
 * the io.kubernetes.pod.uid label). `nowNs` stands in for a stats timestamp the runtime left at 0.
 */
export function joinPods(lists: RuntimeLists, rates: CounterRates, nowNs: bigint): PodSample[] {
  const statsById = new Map((lists.containerStats ?? []).map((s) => [s.attributes?.id ?? "", s]));
  const podStatsById = new Map((lists.sandboxStats ?? []).map((s) => [s.attributes?.id ?? "", s]));
  const latest = new Map<string, Map<string, Container>>();
  for (const c of lists.containers ?? []) {
    const name = c.metadata?.name ?? c.labels["io.kubernetes.container.name"] ?? c.id;
    const byName = latest.get(c.pod_sandbox_id) ?? new Map<string, Container>();
    latest.set(c.pod_sandbox_id, byName);
    const prev = byName.get(name);
    if (!prev || isNewer(c, prev)) byName.set(name, c);
  }

  const pods = lists.sandboxes.map((sb): PodSample => {
    const md = sb.metadata;
    const pod: PodSample = {
      uid: md?.uid || (sb.labels["io.kubernetes.pod.uid"] ?? ""),
      name: md?.name || (sb.labels["io.kubernetes.pod.name"] ?? ""),
      namespace: md?.namespace || (sb.labels["io.kubernetes.pod.namespace"] ?? ""),
      sandboxId: sb.id,
      containers: [],
    };
    if (lists.containers) {
      for (const c of latest.get(sb.id)?.values() ?? []) pod.containers.push(containerSample(c, statsById.get(c.id), rates, nowNs));
    } else {
      for (const s of lists.containerStats ?? []) {
        if (s.attributes && s.attributes.labels["io.kubernetes.pod.uid"] === pod.uid) pod.containers.push(statsOnlySample(s, rates, nowNs));
      }
    }
    pod.containers.sort((a, b) => a.name.localeCompare(b.name));
    const podStats = podStatsById.get(sb.id)?.linux;
    return podStats ? { ...pod, ...podUsage(`${POD_RATES}${sb.id}`, podStats, rates, nowNs) } : pod;
  });
  return pods.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.uid.localeCompare(b.uid));
}

function isNewer(c: Container, than: Container): boolean {
  const attempt = (c.metadata?.attempt ?? 0) - (than.metadata?.attempt ?? 0);
  return attempt !== 0 ? attempt > 0 : BigInt(c.created_at) > BigInt(than.created_at);
}

function containerSample(c: Container, stats: ContainerStats | undefined, rates: CounterRates, nowNs: bigint): ContainerSample {
  const image = c.image?.user_specified_image || c.image?.image || c.image_ref;
  return defined({
    name: c.metadata?.name ?? c.labels["io.kubernetes.container.name"] ?? c.id,
    id: c.id,
    state: STATES[c.state] ?? "unknown",
    attempt: c.metadata?.attempt ?? 0,
    image: image || undefined,
    ...(stats ? containerUsage(c.id, stats, rates, nowNs) : {}),
  });
}

function statsOnlySample(s: ContainerStats, rates: CounterRates, nowNs: bigint): ContainerSample {
  const id = s.attributes?.id ?? "";
  const name = s.attributes?.metadata?.name ?? s.attributes?.labels["io.kubernetes.container.name"] ?? id;
  return defined({ name, id, state: "running", attempt: s.attributes?.metadata?.attempt, ...containerUsage(id, s, rates, nowNs) });
}

function containerUsage(id: string, s: ContainerStats, rates: CounterRates, nowNs: bigint): Partial<ContainerSample> {
  return {
    ...cpuUsage(`${CONTAINER_RATES}${id}`, s.cpu, rates, nowNs),
    memoryWorkingSetBytes: num(s.memory?.working_set_bytes),
    memoryUsageBytes: num(s.memory?.usage_bytes),
    memoryRssBytes: num(s.memory?.rss_bytes),
    pageFaults: num(s.memory?.page_faults),
    majorPageFaults: num(s.memory?.major_page_faults),
    writableLayerBytes: num(s.writable_layer?.used_bytes),
    writableLayerInodes: num(s.writable_layer?.inodes_used),
    swapUsageBytes: num(s.swap?.swap_usage_bytes),
  };
}

/**
 * CPU in nano-cores over this sampler's own window, from the cumulative counter, when there is a previous
 * reading; else the runtime's usage_nano_cores. The runtime computes that over the window since whoever
 * asked last (kubelet polls too), and containerd only gives the counter on some versions.
 */
function cpuUsage(
  key: string,
  cpu: CpuUsage | null,
  rates: CounterRates,
  nowNs: bigint,
): { cpuNanoCores?: number; cpuUsageSecondsTotal?: number } {
  if (!cpu) return {};
  const total = cpu.usage_core_nano_seconds;
  const derived = total ? rates.rate(`${key}/cpu`, BigInt(total.value), stamp(cpu.timestamp, nowNs)) : undefined;
  return defined({
    cpuNanoCores: derived !== undefined ? Math.round(derived) : num(cpu.usage_nano_cores),
    cpuUsageSecondsTotal: total ? Number(total.value) / 1e9 : undefined,
  });
}

function podUsage(key: string, s: NonNullable<PodSandboxStats["linux"]>, rates: CounterRates, nowNs: bigint): Partial<PodSample> {
  const { cpuNanoCores, cpuUsageSecondsTotal } = cpuUsage(key, s.cpu, rates, nowNs);
  const iface = s.network?.default_interface;
  let network: PodSample["network"];
  if (iface && s.network) {
    const at = stamp(s.network.timestamp, nowNs);
    const r = (field: string, v: UInt64Value | null) => (v ? rates.rate(`${key}/net/${field}`, BigInt(v.value), at) : undefined);
    network = defined({
      rxBytesRate: r("rx", iface.rx_bytes),
      txBytesRate: r("tx", iface.tx_bytes),
      rxErrorsRate: r("rxerr", iface.rx_errors),
      txErrorsRate: r("txerr", iface.tx_errors),
      rxBytesTotal: num(iface.rx_bytes),
      txBytesTotal: num(iface.tx_bytes),
      rxErrorsTotal: num(iface.rx_errors),
      txErrorsTotal: num(iface.tx_errors),
    });
  }
  return defined({
    cpuNanoCores,
    cpuUsageSecondsTotal,
    memoryWorkingSetBytes: num(s.memory?.working_set_bytes),
    memoryUsageBytes: num(s.memory?.usage_bytes),
    processes: num(s.process?.process_count),
    network: network && Object.keys(network).length > 0 ? network : undefined,
  });
}

const num = (v: UInt64Value | null | undefined): number | undefined => (v ? Number(v.value) : undefined);
const stamp = (ts: string, nowNs: bigint): bigint => (ts && ts !== "0" ? BigInt(ts) : nowNs);

/** Drops undefined fields: the contract's fields are absent when unknown, and deepEqual tells the difference. */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
