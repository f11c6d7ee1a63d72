// The kubelet's /metrics/cadvisor endpoint (Prometheus text), for the running containers of one node: CPU and memory
// use, and the CFS bandwidth counters that show CPU throttling (container_cpu_cfs_throttled_periods_total and
// friends), which the stats summary API does not carry. HELP texts are cAdvisor's (metrics/prometheus.go).
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { ApiError } from "../api/status.js";
import { cfsCounters, cpuLimitMillis, CFS_PERIOD_SECONDS } from "../kubelet/cpu-throttling.js";
import { findInstance } from "../kubelet/runtime.js";
import { containerUsage } from "../kubelet/usage.js";
import type { Node, Pod } from "../types.js";
import { activePodsByNode } from "./node-usage.js";
import { hasKubelet } from "../kubelet/kubelet-presence.js";

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge";
  samples: string[];
}

const family = (name: string, help: string, type: Family["type"]): Family => ({ name, help, type, samples: [] });

const escape = (v: string): string => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

const labelText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(",");

/** The cgroup path cAdvisor reports as `id` (systemd driver, containerd). */
const cgroupId = (pod: Pod, containerID: string): string => {
  const qos = (pod.status?.qosClass ?? "BestEffort").toLowerCase();
  const uid = (pod.metadata.uid ?? "").replace(/-/g, "_");
  const podSlice = qos === "guaranteed" ? `kubepods-pod${uid}.slice` : `kubepods-${qos}.slice/kubepods-${qos}-pod${uid}.slice`;
  return `/kubepods.slice/${podSlice}/cri-containerd-${containerID}.scope`;
};

export const cadvisorMetrics = (cluster: Cluster, nodeName: string): string => {
  const node = cluster.mustGet<Node>(R.nodes, undefined, nodeName);
  if (!hasKubelet(cluster, node)) {
    const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? nodeName;
    throw new ApiError(500, "InternalError", `error trying to reach service: dial tcp ${ip}:10250: connect: connection refused`);
  }
  const now = cluster.now();
  const usage = family("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", "counter");
  const workingSet = family("container_memory_working_set_bytes", "Current working set in bytes.", "gauge");
  const periods = family("container_cpu_cfs_periods_total", "Number of elapsed enforcement period intervals.", "counter");
  const throttled = family("container_cpu_cfs_throttled_periods_total", "Number of throttled period intervals.", "counter");
  const throttledSeconds = family(
    "container_cpu_cfs_throttled_seconds_total",
    "Total time duration the container has been throttled.",
    "counter",
  );
  const quota = family("container_spec_cpu_quota", "CPU quota of the container.", "gauge");
  const period = family("container_spec_cpu_period", "CPU period of the container.", "gauge");
  for (const pod of activePodsByNode(cluster).get(nodeName) ?? []) {
    for (const s of pod.status?.containerStatuses ?? []) {
      const spec = pod.spec.containers.find((c) => c.name === s.name);
      if (!spec || !s.state?.running || !s.containerID) continue;
      const id = s.containerID.replace(/^[a-z]+:\/\//, "");
      const labels = labelText({
        container: s.name,
        id: cgroupId(pod, id),
        image: s.image,
        name: id,
        namespace: pod.metadata.namespace ?? "default",
        pod: pod.metadata.name ?? "",
      });
      const started =
        findInstance(cluster, pod.metadata.uid, s.name, s.containerID)?.startedAt ?? Date.parse(String(s.state.running.startedAt));
      const seconds = Math.max(0, now - started) / 1000;
      const u = containerUsage(cluster, pod, s.name);
      const sample = (f: Family, value: number, extra = ""): void => {
        f.samples.push(`${f.name}{${labels}${extra}} ${Number(value.toFixed(6))} ${now}`);
      };
      sample(usage, (u.cpuMillis / 1000) * seconds, ',cpu="total"');
      sample(workingSet, u.memoryBytes);
      const cfs = cfsCounters(spec, u.cpuDemandMillis ?? u.cpuMillis, seconds);
      if (!cfs) continue;
      sample(periods, cfs.periods);
      sample(throttled, cfs.throttledPeriods);
      sample(throttledSeconds, cfs.throttledSeconds);
      const periodMicros = CFS_PERIOD_SECONDS * 1e6;
      sample(quota, Math.round(((cpuLimitMillis(spec) ?? 0) / 1000) * periodMicros));
      sample(period, periodMicros);
    }
  }
  return [usage, workingSet, periods, throttled, throttledSeconds, quota, period]
    .map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples].join("\n"))
    .join("\n")
    .concat("\n");
};
