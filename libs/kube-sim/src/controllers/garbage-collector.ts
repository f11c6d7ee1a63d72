// The garbage collector with background propagation: dependents whose owners are all gone are deleted (which
// cascades to their own dependents on the next pass), dangling references beside a live owner are removed, and
// everything in a deleted namespace goes, as the namespace controller does. Orphan propagation happens in
// Cluster.delete, which strips the owner reference before the owner goes.
import type { Cluster } from "../cluster.js";
import { R, typeOfKey } from "../api/resources.js";
import type { Controller } from "./controller.js";
import type { KubeObject } from "../types.js";

type OwnerReference = NonNullable<KubeObject["metadata"]["ownerReferences"]>[number];

export class GarbageCollector implements Controller {
  readonly name = "garbage-collector";
  /** The store's resourceVersion when the graph was last clean: nothing written since means nothing to collect. */
  private cleanAt = -1;

  reconcile(cluster: Cluster): void {
    const rv = cluster.store.resourceVersion;
    if (rv === this.cleanAt) return;
    if (this.cleanAt >= 0 && !this.mayHaveGarbage(cluster)) {
      this.cleanAt = rv;
      return;
    }
    const namespaces = new Set(cluster.list(R.namespaces).map((n) => n.metadata.name));
    const uids = new Set<string>();
    for (const key of typeOfKey.keys()) for (const o of cluster.list(key)) uids.add(o.metadata.uid!);
    for (const [key, type] of typeOfKey) {
      for (const o of cluster.list(key)) {
        const ns = o.metadata.namespace;
        const name = o.metadata.name!;
        if (type.namespaced && ns && !namespaces.has(ns)) {
          cluster.delete(key, ns, name);
          continue;
        }
        const refs = o.metadata.ownerReferences;
        if (!refs?.length) continue;
        const dangling = refs.filter((r) => !uids.has(r.uid));
        if (dangling.length === 0) continue;
        if (dangling.length === refs.length) {
          cluster.delete(key, ns, name, { propagationPolicy: "Background" });
          continue;
        }
        cluster.mutate(key, ns, name, (d) => {
          d.metadata.ownerReferences = d.metadata.ownerReferences!.filter((r) => uids.has(r.uid));
        });
      }
    }
    this.cleanAt = cluster.store.resourceVersion === rv ? rv : -1;
  }

  /**
   * Garbage appears only when something is deleted or gains an owner reference; most writes (status updates) do
   * neither, so the full graph walk is skipped for them. Compacted history means we cannot tell: walk.
   */
  private mayHaveGarbage(cluster: Cluster): boolean {
    for (const key of typeOfKey.keys()) {
      const events = cluster.store.eventsSince(key, this.cleanAt);
      if (!events) return true;
      for (const e of events) {
        if (e.type === "DELETED") return true;
        const refs = e.object.metadata.ownerReferences;
        if (refs?.length && (e.type === "ADDED" || !sameOwners(refs, e.previous?.metadata.ownerReferences))) return true;
      }
    }
    return false;
  }
}

const sameOwners = (a: OwnerReference[], b: OwnerReference[] | undefined): boolean =>
  a.length === (b?.length ?? 0) && a.every((r, i) => r.uid === b![i]!.uid);
