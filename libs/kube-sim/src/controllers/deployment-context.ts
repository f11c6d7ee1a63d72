// The state of one Deployment sync: a working copy of the Deployment (its status and revision annotation are
// edited in place and written through /status, as the Go controller does) and its replica sets, kept current
// as the sync scales them.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations, maxSurge, specReplicas } from "./deployment-util.js";
import { recordEvent } from "./record-event.js";
import { clone } from "../json.js";

export const DEPLOYMENT_SOURCE = { component: "deployment-controller" };

export class DeploymentContext {
  /** The Deployment being synced: a private copy, so status edits don't touch the stored object. */
  readonly d: KubeObject;

  constructor(
    readonly cluster: Cluster,
    stored: KubeObject,
    public rsList: KubeObject[],
    readonly podsOfRs: (uid: string) => Pod[],
  ) {
    this.d = clone(stored);
  }

  get replicas(): number {
    return this.d.spec.replicas ?? 1;
  }

  now(): number {
    return this.cluster.now();
  }

  timestamp(): string {
    return this.cluster.timestamp();
  }

  event(reason: string, message: string, type: "Normal" | "Warning" = "Normal"): void {
    recordEvent(this.cluster, this.d, reason, message, { type, source: DEPLOYMENT_SOURCE });
  }

  /** The current version of a replica set this sync knows (the sync may have scaled it since it was listed). */
  fresh(rs: KubeObject): KubeObject;
  fresh(rs: KubeObject | undefined): KubeObject | undefined;
  fresh(rs: KubeObject | undefined): KubeObject | undefined {
    if (!rs) return undefined;
    return this.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
  }

  freshAll(list: Array<KubeObject | undefined>): KubeObject[] {
    return list.filter((rs): rs is KubeObject => !!rs).map((rs) => this.fresh(rs));
  }

  private remember(rs: KubeObject): KubeObject {
    const i = this.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.rsList[i] = rs;
    else this.rsList.push(rs);
    return rs;
  }

  updateRS(rs: KubeObject, change: (draft: KubeObject) => void): KubeObject {
    const updated = this.cluster.mutate(R.replicasets, rs.metadata.namespace, rs.metadata.name!, change);
    return updated ? this.remember(updated) : rs;
  }

  added(rs: KubeObject): KubeObject {
    return this.remember(rs);
  }

  deleteRS(rs: KubeObject): void {
    this.cluster.delete(R.replicasets, rs.metadata.namespace, rs.metadata.name!);
    this.rsList = this.rsList.filter((x) => x.metadata.uid !== rs.metadata.uid);
  }

  /** scaleReplicaSet: sets the size and the replica annotations; records ScalingReplicaSet when the size changed. */
  scaleReplicaSet(rs: KubeObject, newScale: number, operation: "up" | "down" | ""): { scaled: boolean; rs: KubeObject } {
    rs = this.fresh(rs);
    const oldScale = specReplicas(rs);
    const desired = this.replicas;
    const max = desired + maxSurge(this.d);
    const sizeNeedsUpdate = oldScale !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const updated = this.updateRS(rs, (draft) => {
      draft.spec.replicas = newScale;
      setReplicasAnnotations(draft, desired, max);
    });
    if (sizeNeedsUpdate)
      this.event("ScalingReplicaSet", `Scaled ${operation} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  scaleAndRecord(rs: KubeObject, newScale: number): { scaled: boolean; rs: KubeObject } {
    rs = this.fresh(rs);
    if (specReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, specReplicas(rs) < newScale ? "up" : "down");
  }

  /** Writes the working copy's status and annotations through /status (which keeps the spec). */
  writeStatus(): void {
    const { d } = this;
    this.cluster.updateStatus(R.deployments, d.metadata.namespace, d.metadata.name!, (draft) => {
      if (d.metadata.annotations) draft.metadata.annotations = clone(d.metadata.annotations);
      draft.status = clone(d.status);
    });
  }
}
