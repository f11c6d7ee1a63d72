// The reads collect_diagnostics makes for one object, each recorded: its events (newest first), its resource
// usage from metrics.k8s.io when a metrics server answers, and a pod's container logs, current and previous.
// What is not available (no metrics server, a container that never ran) is said in the record, not an error.
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import { KubeApiError } from "@vigil/kube";
import type { KubeReader } from "../../kube-ops.js";
import { iso } from "./diagnostics-describe.js";

/** Events kept per object, newest first. */
const EVENTS_MAX = 50;
/** Bytes read per log; the record's budget trims further. */
const LOG_BYTES_MAX = 128 * 1024;

export interface EventSummary {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastSeen?: string;
  source?: string;
}

export async function eventsOf(kube: KubeReader, obj: KubernetesObject): Promise<EventSummary[]> {
  const uid = obj.metadata?.uid;
  if (!uid) return [];
  // Node events live in the default namespace (or wherever the reporter put them): a cluster-wide list.
  const events = await kube.list("Event", {
    fieldSelector: `involvedObject.uid=${uid}`,
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
  });
  const seen = (e: (typeof events)[number]) =>
    iso(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp) ?? "";
  return events
    .sort((a, b) => seen(b).localeCompare(seen(a)))
    .slice(0, EVENTS_MAX)
    .map((e) => ({
      type: e.type,
      reason: e.reason,
      message: e.message,
      count: e.count ?? e.series?.count ?? 1,
      lastSeen: seen(e),
      source: e.reportingComponent || e.source?.component,
    }));
}

/** metrics.k8s.io usage of a pod or node; a sentence when no metrics server answers. */
export async function usageOf(kube: KubeReader, kind: "pods" | "nodes", name: string, namespace?: string): Promise<unknown> {
  const path = `/apis/metrics.k8s.io/v1beta1/${namespace ? `namespaces/${namespace}/` : ""}${kind}/${name}`;
  try {
    const m = (await kube.raw({
      method: "GET",
      path,
      verb: "get",
      apiGroup: "metrics.k8s.io",
      resource: kind,
      name,
      ...(namespace ? { namespace } : {}),
    })) as {
      usage?: unknown;
      containers?: Array<{ name?: string; usage?: unknown }>;
      timestamp?: string;
    };
    return kind === "pods" ? { timestamp: m.timestamp, containers: m.containers } : { timestamp: m.timestamp, usage: m.usage };
  } catch (err) {
    if (err instanceof KubeApiError && [404, 503].includes(err.status)) return `unavailable: no metrics server answered (${err.status})`;
    throw err;
  }
}

export interface LogEntry {
  pod: string;
  container: string;
  instance: "current" | "previous";
  text?: string;
  /** Why there is no text (the container never started, no previous instance). */
  unavailable?: string;
  /** What cut the text: the read limit, or the record's size budget. */
  truncated?: string;
}

export async function logsOf(
  kube: KubeReader,
  pod: V1Pod,
  opts: { logLines: number; sinceMinutes: number; includePrevious: boolean },
): Promise<LogEntry[]> {
  const ref = { namespace: pod.metadata?.namespace ?? "default", name: pod.metadata?.name ?? "" };
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  // Init containers that finished cleanly have nothing to say; the ones that failed or run do.
  const init = new Set(
    (pod.status?.initContainerStatuses ?? []).filter((s) => s.state?.terminated?.exitCode === 0 && !s.restartCount).map((s) => s.name),
  );
  const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name).filter((n) => !init.has(n));
  const entries: LogEntry[] = [];
  for (const container of names) {
    const status = statuses.find((s) => s.name === container);
    const instances: Array<"current" | "previous"> = ["current"];
    if (opts.includePrevious && (status?.restartCount ?? 0) > 0) instances.push("previous");
    for (const instance of instances) {
      const result = await kube.logs(ref, {
        container,
        previous: instance === "previous",
        tailLines: opts.logLines,
        // The previous instance may have died long ago: its last lines matter whatever their age.
        ...(instance === "current" ? { sinceSeconds: opts.sinceMinutes * 60 } : {}),
        limitBytes: LOG_BYTES_MAX,
      });
      const base = { pod: ref.name, container, instance };
      if (result.ok)
        entries.push({ ...base, text: result.text, ...(result.truncated ? { truncated: `read limit of ${LOG_BYTES_MAX} bytes` } : {}) });
      else entries.push({ ...base, unavailable: `${result.reason}: ${result.message}` });
    }
  }
  return entries;
}
