// Owner references as the controllers use them: the controller reference a workload puts on what it creates,
// per-pass indexes from owner uid to dependents, and ControllerRefManager's adopt/release ("claim") logic.
import type { V1OwnerReference } from "@kubernetes/client-node";
import type { Cluster } from "../cluster.js";
import type { KubeObject } from "../types.js";

/** metav1.NewControllerRef: controller and blockOwnerDeletion set. */
export const controllerRefFor = (owner: KubeObject): V1OwnerReference => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name!,
  uid: owner.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});

export const controllerOf = (o: KubeObject): V1OwnerReference | undefined => o.metadata.ownerReferences?.find((r) => r.controller);

/** Objects of one type grouped by their controller's uid, plus the orphans (no controller) of each namespace. */
export class OwnerIndex<T extends KubeObject> {
  private readonly owned = new Map<string, T[]>();
  private readonly orphans = new Map<string, T[]>();

  constructor(objects: Iterable<T>) {
    for (const o of objects) {
      const ref = controllerOf(o);
      const key = ref ? ref.uid : (o.metadata.namespace ?? "");
      const map = ref ? this.owned : this.orphans;
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      list.push(o);
    }
  }

  ownedBy(uid: string | undefined): T[] {
    return (uid && this.owned.get(uid)) || [];
  }

  orphansIn(namespace: string | undefined): T[] {
    return this.orphans.get(namespace ?? "") ?? [];
  }

  /** Forgets an orphan once it has been adopted, so no other owner claims it in the same pass. */
  adopted(o: T): void {
    const list = this.orphans.get(o.metadata.namespace ?? "");
    const i = list?.indexOf(o) ?? -1;
    if (i >= 0) list!.splice(i, 1);
  }
}

export interface ClaimOptions<T extends KubeObject> {
  /** Whether a dependent belongs to the owner by its labels (the owner's selector). */
  matches: (o: T) => boolean;
  /** Orphans the owner may adopt (e.g. only active pods). */
  canAdopt?: (o: T) => boolean;
}

/**
 * ControllerRefManager.Claim*: dependents whose controller is `owner` and still match are kept, those that no longer
 * match are released (their owner reference removed); matching orphans are adopted. Returns the owned objects.
 */
export function claim<T extends KubeObject>(
  cluster: Cluster,
  key: string,
  owner: KubeObject,
  index: OwnerIndex<T>,
  opts: ClaimOptions<T>,
): T[] {
  const uid = owner.metadata.uid!;
  const out: T[] = [];
  for (const o of index.ownedBy(uid)) {
    if (opts.matches(o) || owner.metadata.deletionTimestamp) {
      out.push(o);
      continue;
    }
    cluster.mutate(key, o.metadata.namespace, o.metadata.name!, (d) => {
      d.metadata.ownerReferences = d.metadata.ownerReferences?.filter((r) => r.uid !== uid);
      if (d.metadata.ownerReferences?.length === 0) delete d.metadata.ownerReferences;
    });
  }
  if (owner.metadata.deletionTimestamp) return out;
  for (const o of [...index.orphansIn(owner.metadata.namespace)]) {
    if (!opts.matches(o) || o.metadata.deletionTimestamp || (opts.canAdopt && !opts.canAdopt(o))) continue;
    const adopted = cluster.mutate<T>(key, o.metadata.namespace, o.metadata.name!, (d) => {
      d.metadata.ownerReferences = [...(d.metadata.ownerReferences ?? []), controllerRefFor(owner)];
    });
    index.adopted(o);
    if (adopted) out.push(adopted);
  }
  return out;
}

/** Oldest first by creation time, then by name: timestamps have second precision, so ties are common. */
export const byCreation = (a: KubeObject, b: KubeObject): number => {
  const [ta, tb] = [a.metadata.creationTimestamp ?? "", b.metadata.creationTimestamp ?? ""];
  if (ta !== tb) return ta < tb ? -1 : 1;
  const [na, nb] = [a.metadata.name ?? "", b.metadata.name ?? ""];
  return na < nb ? -1 : na > nb ? 1 : 0;
};
