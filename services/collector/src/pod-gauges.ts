// Per-pod and per-container series from each pods sample, in cAdvisor's names, types and units behind the
// `vigil_` prefix (vigil_container_cpu_usage_seconds_total is cAdvisor's container_cpu_usage_seconds_total).
// Container series carry namespace, pod, container and image. Pod cgroup series carry namespace and pod
// only, which is how cAdvisor's pod-level series look (its container="" is no label in PromQL), so
// dashboards that select containers with container!="" work unchanged.
import type { ContainerSample, PodSample, PodsSampleMessage } from "@vigil/contracts";
import type { Registry } from "prom-client";
import { SeriesFamily, type SeriesLabels } from "./pod-series.js";

const POD_LABELS = ["namespace", "pod"] as const;
const CONTAINER_LABELS = [...POD_LABELS, "container", "image"] as const;
const RESOURCES = ["cpu", "memory", "io"] as const;
/** cAdvisor (0.49+, kubelet KEP-4205) names PSI "some" waiting and "full" stalled. */
const PSI_KINDS = { some: "waiting", full: "stalled" } as const;

export class PodGauges {
  private readonly cpuSeconds: SeriesFamily;
  private readonly workingSet: SeriesFamily;
  private readonly memoryUsage: SeriesFamily;
  private readonly rss: SeriesFamily;
  private readonly swap: SeriesFamily;
  private readonly memoryFailures: SeriesFamily;
  private readonly fsUsage: SeriesFamily;
  private readonly processes: SeriesFamily;
  private readonly network: Record<"rxBytes" | "txBytes" | "rxErrors" | "txErrors", SeriesFamily>;
  private readonly pressure: Record<(typeof RESOURCES)[number], Record<keyof typeof PSI_KINDS, SeriesFamily>>;
  private readonly all: SeriesFamily[];

  constructor(registry: Registry, prefix = "vigil_") {
    this.all = [];
    const family = (name: string, help: string, type: "gauge" | "counter", labelNames: readonly string[]) => {
      const f = new SeriesFamily({ registry, name: `${prefix}${name}`, help, type, labelNames });
      this.all.push(f);
      return f;
    };
    this.cpuSeconds = family(
      "container_cpu_usage_seconds_total",
      "Cumulative CPU time consumed in seconds (the runtime's counter, for containers and pod cgroups)",
      "counter",
      CONTAINER_LABELS,
    );
    this.workingSet = family("container_memory_working_set_bytes", "Current working set in bytes", "gauge", CONTAINER_LABELS);
    this.memoryUsage = family(
      "container_memory_usage_bytes",
      "Current memory usage in bytes, including all memory regardless of when it was accessed",
      "gauge",
      CONTAINER_LABELS,
    );
    this.rss = family("container_memory_rss", "Size of RSS in bytes", "gauge", CONTAINER_LABELS);
    this.swap = family("container_memory_swap", "Container swap usage in bytes", "gauge", CONTAINER_LABELS);
    this.memoryFailures = family(
      "container_memory_failures_total",
      "Cumulative count of memory allocation failures (page faults: failure_type pgfault or pgmajfault)",
      "counter",
      [...CONTAINER_LABELS, "failure_type", "scope"],
    );
    this.fsUsage = family(
      "container_fs_usage_bytes",
      "Number of bytes consumed by the container's writable layer",
      "gauge",
      CONTAINER_LABELS,
    );
    this.processes = family("container_processes", "Number of processes running inside the pod", "gauge", POD_LABELS);
    const net = (name: string, what: string) =>
      family(name, `Cumulative count of ${what} on the pod's default interface (the runtime's counter)`, "counter", POD_LABELS);
    this.network = {
      rxBytes: net("container_network_receive_bytes_total", "bytes received"),
      txBytes: net("container_network_transmit_bytes_total", "bytes transmitted"),
      rxErrors: net("container_network_receive_errors_total", "errors encountered while receiving"),
      txErrors: net("container_network_transmit_errors_total", "errors encountered while transmitting"),
    };
    const psi = (resource: string, kind: keyof typeof PSI_KINDS) =>
      family(
        `container_pressure_${resource}_${PSI_KINDS[kind]}_seconds_total`,
        `Total time ${kind === "some" ? "some tasks" : "all tasks"} of the pod cgroup stalled on ${resource} (PSI ${kind}; the kernel's running total)`,
        "counter",
        POD_LABELS,
      );
    this.pressure = {
      cpu: { some: psi("cpu", "some"), full: psi("cpu", "full") },
      memory: { some: psi("memory", "some"), full: psi("memory", "full") },
      io: { some: psi("io", "some"), full: psi("io", "full") },
    };
  }

  update(m: PodsSampleMessage): void {
    for (const f of this.all) f.beginSample();
    for (const pod of m.pods) {
      const labels = { namespace: pod.namespace, pod: pod.name };
      this.podSeries(pod, labels);
      for (const c of pod.containers) this.containerSeries(c, { ...labels, container: c.name, ...(c.image ? { image: c.image } : {}) });
    }
  }

  /** Pod cgroup series: every counter is a running total the runtime or the kernel keeps, so it equals cAdvisor's. */
  private podSeries(pod: PodSample, labels: SeriesLabels): void {
    this.cpuSeconds.set(labels, pod.cpuUsageSecondsTotal);
    this.workingSet.set(labels, pod.memoryWorkingSetBytes);
    this.memoryUsage.set(labels, pod.memoryUsageBytes);
    this.processes.set(labels, pod.processes);
    this.network.rxBytes.set(labels, pod.network?.rxBytesTotal);
    this.network.txBytes.set(labels, pod.network?.txBytesTotal);
    this.network.rxErrors.set(labels, pod.network?.rxErrorsTotal);
    this.network.txErrors.set(labels, pod.network?.txErrorsTotal);
    for (const resource of RESOURCES) {
      const p = pod.psi?.[resource];
      this.pressure[resource].some.set(labels, p?.some.totalSeconds);
      this.pressure[resource].full.set(labels, p?.full?.totalSeconds);
    }
  }

  private containerSeries(c: ContainerSample, labels: SeriesLabels): void {
    this.cpuSeconds.set(labels, c.cpuUsageSecondsTotal);
    this.workingSet.set(labels, c.memoryWorkingSetBytes);
    this.memoryUsage.set(labels, c.memoryUsageBytes);
    this.rss.set(labels, c.memoryRssBytes);
    this.swap.set(labels, c.swapUsageBytes);
    this.memoryFailures.set({ ...labels, failure_type: "pgfault", scope: "container" }, c.pageFaults);
    this.memoryFailures.set({ ...labels, failure_type: "pgmajfault", scope: "container" }, c.majorPageFaults);
    this.fsUsage.set(labels, c.writableLayerBytes);
  }
}
