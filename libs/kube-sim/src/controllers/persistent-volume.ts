// The persistent volume controller with a dynamic provisioner and the resizer: pending claims bind to a matching
// volume or get one provisioned from their StorageClass (or the default class); released volumes are deleted or
// kept per their reclaim policy; bound claims whose request grows are expanded (volume-expansion.ts).
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import type { Controller } from "./controller.js";
import { Throttle } from "./tick-gate.js";
import { defaultClass, findVolume, provisionedVolume } from "./volume-binding.js";
import { expand, mountedOn } from "./volume-expansion.js";
import { recordEvent } from "./record-event.js";

const SOURCE = { component: "persistentvolume-controller" };
const BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
const BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
const STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
const BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
const SELECTED_NODE = "volume.kubernetes.io/selected-node";

export class PersistentVolumeController implements Controller {
  readonly name = "persistentvolume";
  // Pending claims are re-examined every resync period (15 s), and say why each time, as the real controller does.
  private readonly resync = new Throttle(15_000);

  reconcile(cluster: Cluster): void {
    const claims = cluster.list(R.pvcs);
    const volumes = cluster.list(R.pvs);
    if (claims.length === 0 && volumes.length === 0) return;
    const classes = cluster.list(R.storageclasses);
    let pods: Pod[] | undefined;
    const allPods = (): Pod[] => (pods ??= cluster.list<Pod>(R.pods));
    let mounts: Map<string, string> | undefined;
    const mountsOf = (): Map<string, string> => (mounts ??= mountedOn(allPods()));
    let available = volumes;
    for (const pvc of claims) {
      const pv = pvc.spec?.volumeName ? cluster.get(R.pvs, undefined, pvc.spec.volumeName) : undefined;
      if (pvc.status?.phase === "Bound" && pvc.spec?.volumeName) {
        if (!pv) this.lose(cluster, pvc);
        else expand(cluster, pvc, pv, mountsOf);
        continue;
      }
      if (pvc.status?.phase === "Lost") continue;
      const bound = this.bindPending(cluster, pvc, classes, available, allPods);
      if (bound) available = available.filter((v) => v.metadata.name !== bound);
    }
    this.reclaim(cluster, volumes, new Map(claims.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c])));
  }

  /** Binds or provisions for a pending claim; returns the volume name it bound to. */
  private bindPending(
    cluster: Cluster,
    pvc: KubeObject,
    classes: KubeObject[],
    volumes: KubeObject[],
    pods: () => Pod[],
  ): string | undefined {
    const now = cluster.now();
    const key = pvc.metadata.uid!;
    const explicit: string | undefined = pvc.spec?.storageClassName ?? undefined;
    const fallback = explicit === undefined ? defaultClass(classes) : undefined;
    const className = explicit ?? fallback?.metadata.name ?? "";
    if (fallback) this.assignDefaultClass(cluster, pvc, fallback.metadata.name!);
    const existing = findVolume(pvc, className, volumes);
    if (existing) {
      this.bind(cluster, pvc, existing);
      return existing.metadata.name;
    }
    if (!className) {
      if (this.resync.allow(key, now)) {
        recordEvent(cluster, pvc, "FailedBinding", "no persistent volumes available for this claim and no storage class is set", {
          source: SOURCE,
        });
      }
      return undefined;
    }
    const sc = classes.find((c) => c.metadata.name === className);
    if (!sc) {
      if (this.resync.allow(key, now)) {
        recordEvent(cluster, pvc, "ProvisioningFailed", `storageclass.storage.k8s.io "${className}" not found`, {
          type: "Warning",
          source: SOURCE,
        });
      }
      return undefined;
    }
    if (sc.provisioner === "kubernetes.io/no-provisioner") return undefined;
    let selectedNode: string | undefined;
    if (sc.volumeBindingMode === "WaitForFirstConsumer") {
      // Provisioning waits for a pod that uses the claim (the scheduler's selected node).
      const consumer = pods().find(
        (p) =>
          p.metadata.namespace === pvc.metadata.namespace &&
          p.status?.phase !== "Succeeded" &&
          p.status?.phase !== "Failed" &&
          (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name),
      );
      if (!consumer) {
        if (this.resync.allow(key, now))
          recordEvent(cluster, pvc, "WaitForFirstConsumer", "waiting for first consumer to be created before binding", { source: SOURCE });
        return undefined;
      }
      selectedNode = consumer.spec.nodeName;
    }
    const provisioner = sc.provisioner as string;
    const fresh =
      cluster.mutate(R.pvcs, pvc.metadata.namespace, pvc.metadata.name!, (d) => {
        d.metadata.annotations = {
          ...(d.metadata.annotations ?? {}),
          [BETA_STORAGE_PROVISIONER]: provisioner,
          [STORAGE_PROVISIONER]: provisioner,
          ...(selectedNode ? { [SELECTED_NODE]: selectedNode } : {}),
        };
      }) ?? pvc;
    const pv = cluster.get(R.pvs, undefined, `pvc-${pvc.metadata.uid}`) ?? cluster.create(R.pvs, provisionedVolume(fresh, sc));
    recordEvent(cluster, pvc, "ProvisioningSucceeded", `Successfully provisioned volume ${pv.metadata.name} using ${provisioner}`, {
      source: SOURCE,
    });
    this.bind(cluster, fresh, pv);
    return pv.metadata.name;
  }

  /**
   * Claims created without a class get the default one (the DefaultStorageClass admission plugin, or retroactive
   * assignment). Validation that forbids the change leaves the claim as it is; provisioning still uses the default.
   */
  private assignDefaultClass(cluster: Cluster, pvc: KubeObject, className: string): void {
    try {
      cluster.mutate(R.pvcs, pvc.metadata.namespace, pvc.metadata.name!, (d) => void (d.spec.storageClassName = className));
    } catch {
      // Immutable spec: keep going with the class implied.
    }
  }

  private bind(cluster: Cluster, pvc: KubeObject, pv: KubeObject): void {
    const ns = pvc.metadata.namespace;
    const claim = cluster.get(R.pvcs, ns, pvc.metadata.name!) ?? pvc;
    cluster.mutate(R.pvs, undefined, pv.metadata.name!, (d) => {
      if (!d.spec.claimRef?.uid) {
        d.spec.claimRef = {
          kind: "PersistentVolumeClaim",
          namespace: ns,
          name: claim.metadata.name,
          uid: claim.metadata.uid,
          apiVersion: "v1",
          resourceVersion: claim.metadata.resourceVersion,
        };
        d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [BOUND_BY_CONTROLLER]: "yes" };
      }
    });
    cluster.updateStatus(R.pvs, undefined, pv.metadata.name!, (d) => void (d.status = { ...(d.status ?? {}), phase: "Bound" }));
    cluster.mutate(R.pvcs, ns, claim.metadata.name!, (d) => {
      d.spec.volumeName = pv.metadata.name;
      d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [BIND_COMPLETED]: "yes", [BOUND_BY_CONTROLLER]: "yes" };
    });
    cluster.updateStatus(R.pvcs, ns, claim.metadata.name!, (d) => {
      d.status = {
        ...(d.status ?? {}),
        phase: "Bound",
        accessModes: [...(pv.spec.accessModes ?? [])],
        capacity: { ...(pv.spec.capacity ?? {}) },
      };
    });
  }

  private lose(cluster: Cluster, pvc: KubeObject): void {
    cluster.updateStatus(
      R.pvcs,
      pvc.metadata.namespace,
      pvc.metadata.name!,
      (d) => void (d.status = { ...(d.status ?? {}), phase: "Lost" }),
    );
    recordEvent(cluster, pvc, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!", {
      type: "Warning",
      source: SOURCE,
    });
  }

  /** Volumes whose claim is gone: Released, then deleted when the reclaim policy says Delete. */
  private reclaim(cluster: Cluster, volumes: KubeObject[], claims: Map<string, KubeObject>): void {
    for (const pv of volumes) {
      const ref = pv.spec?.claimRef;
      if (!ref?.uid) {
        if (!pv.status?.phase) cluster.updateStatus(R.pvs, undefined, pv.metadata.name!, (d) => void (d.status = { phase: "Available" }));
        continue;
      }
      const claim = claims.get(`${ref.namespace}/${ref.name}`);
      if (claim && claim.metadata.uid === ref.uid) continue;
      if (pv.spec.persistentVolumeReclaimPolicy === "Delete") {
        cluster.delete(R.pvs, undefined, pv.metadata.name!);
        continue;
      }
      cluster.updateStatus(R.pvs, undefined, pv.metadata.name!, (d) => void (d.status = { ...(d.status ?? {}), phase: "Released" }));
    }
  }
}
