// Evidence builders: every analyzer cites objects, events, samples and kernel events the same way, so the
// diagnosis builder can de-duplicate them (two findings resting on one event cite one evidence item).
import type { CoreV1Event, KubernetesObject } from "@kubernetes/client-node";
import type { KernelEventMessage, ResourceRef } from "@vigil/contracts";
import type { EvidenceDraft } from "./analyzer-definition.js";

type Ts = Date | string | undefined | null;

/** RFC 3339 of a model timestamp (client-node gives Dates), or undefined. */
export function iso(t: Ts): string | undefined {
  if (t === undefined || t === null) return undefined;
  const d = t instanceof Date ? t : new Date(t);
  return Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

/** Epoch ms of a model timestamp, or undefined. */
export function ms(t: Ts): number | undefined {
  if (t === undefined || t === null) return undefined;
  const v = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(v) ? v : undefined;
}

/** The contract reference of a cached object (optionally one container of a pod). */
export function refOf(obj: KubernetesObject, container?: string): ResourceRef {
  return {
    kind: obj.kind ?? "Unknown",
    name: obj.metadata?.name ?? "",
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
    ...(container ? { container } : {}),
  };
}

/** An object as analyzed, with the fields that matter (keep them few: they travel in every diagnosis). */
export function objectEvidence(
  obj: KubernetesObject,
  summary: string,
  fields?: Record<string, unknown>,
  container?: string,
): EvidenceDraft {
  return {
    kind: "object",
    summary,
    ref: refOf(obj, container),
    ...(obj.metadata?.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
    ...(fields ? { fields } : {}),
  };
}

/** When an event last happened: series, lastTimestamp, eventTime, firstTimestamp, creation (newest API first). */
export function eventLastSeen(e: CoreV1Event): number | undefined {
  return (
    ms(e.series?.lastObservedTime) ?? ms(e.lastTimestamp) ?? ms(e.eventTime) ?? ms(e.firstTimestamp) ?? ms(e.metadata?.creationTimestamp)
  );
}

export function eventFirstSeen(e: CoreV1Event): number | undefined {
  return ms(e.firstTimestamp) ?? ms(e.eventTime) ?? ms(e.metadata?.creationTimestamp) ?? eventLastSeen(e);
}

/** How many times an event happened (core/v1 count, or events.k8s.io series). */
export function eventCount(e: CoreV1Event): number {
  return Math.max(1, e.series?.count ?? e.count ?? 1);
}

/** A Kubernetes Event, cited with its reason, message, count and times. */
export function eventEvidence(e: CoreV1Event): EvidenceDraft {
  const first = eventFirstSeen(e);
  const last = eventLastSeen(e);
  const io = e.involvedObject ?? {};
  return {
    kind: "event",
    summary: `${e.reason ?? "Event"}: ${e.message ?? ""}`.slice(0, 300),
    ref: {
      kind: io.kind ?? "Unknown",
      name: io.name ?? "",
      ...(io.namespace ? { namespace: io.namespace } : {}),
    },
    type: e.type === "Warning" ? "Warning" : "Normal",
    reason: e.reason || "Unknown",
    message: e.message ?? "",
    count: eventCount(e),
    ...(first !== undefined ? { firstSeen: new Date(first).toISOString() } : {}),
    ...(last !== undefined ? { lastSeen: new Date(last).toISOString(), observedAt: new Date(last).toISOString() } : {}),
  };
}

/** One value from a collector sample or metrics.k8s.io. */
export function sampleEvidence(s: {
  summary: string;
  metric: string;
  value: number;
  unit?: string;
  node?: string;
  ref?: ResourceRef;
  sampleId?: string;
  at?: Ts;
}): EvidenceDraft {
  const at = iso(s.at);
  return {
    kind: "sample",
    summary: s.summary,
    metric: s.metric,
    value: s.value,
    ...(s.unit ? { unit: s.unit } : {}),
    ...(s.node ? { node: s.node } : {}),
    ...(s.ref ? { ref: s.ref } : {}),
    ...(s.sampleId ? { sampleId: s.sampleId } : {}),
    ...(at ? { observedAt: at } : {}),
  };
}

/** A kernel event from ebpf-ingest, with the pod it was attributed to when it was. */
export function kernelEventEvidence(e: KernelEventMessage, summary: string, ref?: ResourceRef): EvidenceDraft {
  return {
    kind: "kernel_event",
    summary,
    kernelEventId: e.id,
    type: e.type,
    node: e.node,
    observedAt: e.observedAt,
    ...(ref ? { ref } : {}),
  };
}
