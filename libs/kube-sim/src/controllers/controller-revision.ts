// ControllerRevisions (controller/history) for StatefulSets and DaemonSets: a snapshot of the pod template per
// revision, `<owner>-<hash>`, re-numbered when an old template comes back, and history truncated to
// revisionHistoryLimit while keeping the revisions pods still run.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject } from "../types.js";
import { controllerRefFor } from "./owner.js";
import { canonicalJson } from "./pod-template.js";
import { clone } from "../json.js";

export interface RevisionSnapshot {
  /** The revision's data: `{spec: {template: {..., $patch: "replace"}}}`, as both controllers store it. */
  data: unknown;
  /** Revision name suffix for a collision count. */
  hash: (collisionCount: number) => string;
  labels: (hash: string) => Record<string, string>;
}

/** The strategic-merge patch that restores a pod template: what StatefulSet and DaemonSet revisions store. */
export const templatePatch = (template: unknown): unknown => ({
  spec: { template: { ...(clone(template) as object), $patch: "replace" } },
});

/** The pod template a revision restores. */
export const revisionTemplate = (revision: KubeObject): any => {
  const t = clone((revision.data as any)?.spec?.template ?? {});
  delete t.$patch;
  return t;
};

const byRevision = (a: KubeObject, b: KubeObject): number => ((a.revision as number) ?? 0) - ((b.revision as number) ?? 0);

/**
 * Finds or creates the revision for `snapshot` among `revisions` (the owner's, any order). An equal older
 * revision is renumbered to be the newest, as when a template is rolled back. Returns the update revision and
 * the owner's revisions sorted by number.
 */
export function syncRevision(
  cluster: Cluster,
  owner: KubeObject,
  revisions: KubeObject[],
  snapshot: RevisionSnapshot,
): { update: KubeObject; revisions: KubeObject[] } {
  let sorted = [...revisions].sort(byRevision);
  const next = ((sorted[sorted.length - 1]?.revision as number | undefined) ?? 0) + 1;
  const data = canonicalJson(snapshot.data);
  const equal = sorted.filter((r) => canonicalJson(r.data) === data);
  const latestEqual = equal[equal.length - 1];
  if (latestEqual) {
    if (latestEqual === sorted[sorted.length - 1]) return { update: latestEqual, revisions: sorted };
    const bumped = cluster.mutate(
      R.controllerrevisions,
      latestEqual.metadata.namespace,
      latestEqual.metadata.name!,
      (d) => void (d.revision = next),
    )!;
    sorted = [...sorted.filter((r) => r !== latestEqual), bumped];
    return { update: bumped, revisions: sorted };
  }
  for (let collisions = 0; ; collisions++) {
    const hash = snapshot.hash(collisions);
    const name = `${owner.metadata.name}-${hash}`;
    const existing = cluster.get(R.controllerrevisions, owner.metadata.namespace, name);
    if (existing) {
      // Same name: ours with the same data (a stale list) or a hash collision, which the next count resolves.
      if (canonicalJson(existing.data) === data && existing.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)) {
        return { update: existing, revisions: [...sorted.filter((r) => r.metadata.uid !== existing.metadata.uid), existing] };
      }
      if (collisions < 10) continue;
    }
    const created = cluster.create(R.controllerrevisions, {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name, namespace: owner.metadata.namespace, labels: snapshot.labels(hash), ownerReferences: [controllerRefFor(owner)] },
      data: snapshot.data,
      revision: next,
    });
    return { update: created, revisions: [...sorted, created] };
  }
}

/** truncateHistory: deletes the oldest revisions no pod runs, beyond revisionHistoryLimit. */
export function truncateHistory(cluster: Cluster, revisions: KubeObject[], live: Set<string>, limit: number | undefined): void {
  const history = [...revisions].sort(byRevision).filter((r) => !live.has(r.metadata.name!));
  const excess = history.length - (limit ?? 10);
  for (const r of history.slice(0, Math.max(0, excess))) cluster.delete(R.controllerrevisions, r.metadata.namespace, r.metadata.name!);
}
