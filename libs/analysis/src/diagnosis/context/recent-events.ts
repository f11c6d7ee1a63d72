// The Warning events of an incident's scope, newest first: what `kubectl get events` would show a human
// looking at these objects, without the Normal noise.
import type { CoreV1Event, KubernetesObject } from "@kubernetes/client-node";
import type { DiagnosisContext } from "@vigil/contracts";
import type { ClusterCache } from "@vigil/kube";
import { eventCount, eventLastSeen } from "../../evidence.js";

export const RECENT_EVENTS_MAX = 20;
/** Events older than this (cluster time) are history, not context: the API server's default event TTL. */
export const RECENT_EVENTS_WINDOW_MS = 60 * 60_000;

export function recentWarningEvents(
  objects: readonly KubernetesObject[],
  cache: ClusterCache,
  now: number,
): DiagnosisContext["recentEvents"] {
  if (!cache.has("Event")) return [];
  const seen = new Set<string>();
  const events: Array<{ e: CoreV1Event; last: number }> = [];
  for (const obj of objects) {
    const about = {
      kind: obj.kind ?? "",
      name: obj.metadata?.name ?? "",
      ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
      ...(obj.metadata?.uid ? { uid: obj.metadata.uid } : {}),
    };
    for (const e of cache.eventsFor(about)) {
      if (e.type !== "Warning") continue;
      const key = e.metadata?.uid ?? `${e.metadata?.namespace ?? ""}/${e.metadata?.name ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const last = eventLastSeen(e) ?? 0;
      if (now - last <= RECENT_EVENTS_WINDOW_MS) events.push({ e, last });
    }
  }
  return events
    .sort((a, b) => b.last - a.last)
    .slice(0, RECENT_EVENTS_MAX)
    .map(({ e, last }) => {
      const io = e.involvedObject ?? {};
      return {
        type: e.type ?? "Warning",
        reason: e.reason || "Unknown",
        message: (e.message ?? "").slice(0, 500),
        count: eventCount(e),
        ...(last > 0 ? { lastSeen: new Date(last).toISOString() } : {}),
        ref: {
          kind: io.kind || "Unknown",
          name: io.name || "unknown",
          ...(io.namespace ? { namespace: io.namespace } : {}),
          ...(io.fieldPath ? containerOf(io.fieldPath) : {}),
        },
      };
    });
}

/** `spec.containers{api}` → { container: "api" } (the kubelet names the container an event is about). */
function containerOf(fieldPath: string): { container?: string } {
  const m = /^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}$/.exec(fieldPath);
  return m?.[1] ? { container: m[1] } : {};
}
