// The Warning events that concern an owner: its own, its pods' (also those already gone, by their generated names),
// its ReplicaSets', and the action's target when that is another object. Shared by the target snapshot (how many
// warnings before the action) and the side-effects component (which ones are new since).
import type { CoreV1Event } from "@kubernetes/client-node";
import type { ResourceRef } from "@vigil/contracts";
import type { ClusterCache } from "@vigil/kube";
import type { AssessmentSubject } from "./assessment-context.js";
import { podsOf, refBelongsTo } from "./owner-scope.js";

export type ClusterReader = Pick<ClusterCache, "store" | "get" | "eventsFor">;

/** When an event last happened: its series' last observation, its lastTimestamp, or when it was first seen. */
export function lastSeen(e: CoreV1Event): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
}

/** When an event first happened. */
export function firstSeen(e: CoreV1Event): number {
  const t = e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? e.lastTimestamp;
  return t ? new Date(t).getTime() : 0;
}

/**
 * Warning events about the owner, its pods (also those already gone, recognised by their generated names), its
 * ReplicaSets, and the action's target when that is another object (a PVC, an HPA). A Node's are its own and
 * those of the pods bound to it now.
 */
export function warningEventsAbout(cluster: ClusterReader, subject: AssessmentSubject): CoreV1Event[] {
  const { owner, target } = subject;
  const found = new Map<string, CoreV1Event>();
  const add = (events: Iterable<CoreV1Event>) => {
    for (const e of events) if (e.type === "Warning") found.set(e.metadata?.uid ?? `${e.metadata?.namespace}/${e.metadata?.name}`, e);
  };
  const about = (r: ResourceRef) => cluster.eventsFor({ kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) });
  add(about(owner));
  if (target.kind !== owner.kind || target.name !== owner.name) add(about(target));
  if (owner.kind === "Node") {
    for (const pod of podsOf(cluster, owner))
      add(cluster.eventsFor({ kind: "Pod", name: pod.metadata?.name ?? "", namespace: pod.metadata?.namespace ?? "default" }));
  } else if (owner.namespace) {
    add(
      cluster
        .store("Event")
        .list({ namespace: owner.namespace })
        .filter((e) => e.type === "Warning" && e.involvedObject?.kind && e.involvedObject.name)
        .filter((e) =>
          refBelongsTo(
            cluster,
            { kind: e.involvedObject.kind!, name: e.involvedObject.name!, namespace: e.involvedObject.namespace ?? owner.namespace },
            owner,
          ),
        ),
    );
  }
  return [...found.values()];
}
