// The pod's persistent volumes as the VolumeBinding and VolumeRestrictions plugins see them. Pod-level problems
// (the scheduler's PreFilter: a claim missing, or unbound with Immediate binding, e.g. because its StorageClass
// does not exist) refuse every node; node-level ones refuse some: a bound PV's node affinity, a
// WaitForFirstConsumer class's allowedTopologies, and a ReadWriteOnce volume in use on ANOTHER node (the
// attach would fail with Multi-Attach). A ReadWriteOnce claim by itself is no problem at all (the seed's
// false positive); ReadWriteOncePod refuses every node while another pod uses the claim.
import type { V1Node, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1StorageClass } from "@kubernetes/client-node";
import type { ClusterCache } from "@vigil/kube";
import { termMatches } from "@vigil/contracts";
import { amountOf, holdsResources } from "./node-fit-resources.js";
import type { SchedulingFailureCategory } from "./scheduling-categories.js";

export interface VolumeIssue {
  text: string;
  category: SchedulingFailureCategory;
  /** What would fix it, for explain's possibleActions. */
  action?: string;
}

export interface VolumeChecker {
  /** Problems that refuse every node. */
  podLevel: VolumeIssue[];
  /** Facts worth knowing that refuse nothing (e.g. a claim waiting for its first consumer). */
  notes: string[];
  check(node: V1Node): VolumeIssue[];
}

/** The claims a pod mounts: persistentVolumeClaim volumes and generic ephemeral volumes (`<pod>-<volume>`). */
export function claimNamesOf(pod: V1Pod): string[] {
  const names: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(`${pod.metadata?.name}-${v.name}`);
  }
  return names;
}

const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

function classOf(pvc: V1PersistentVolumeClaim, cache: ClusterCache): { name?: string; sc?: V1StorageClass } {
  const name = pvc.spec?.storageClassName;
  if (name === "") return { name: "" }; // explicitly no class: static binding only
  if (name !== undefined) {
    const sc = cache.get({ kind: "StorageClass", name });
    return sc ? { name, sc } : { name };
  }
  const sc = cache
    .store("StorageClass")
    .list()
    .find((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true");
  return sc ? { name: sc.metadata?.name ?? "", sc } : {};
}

const nodeLabels = (node: V1Node): Record<string, string> => node.metadata?.labels ?? {};

const NO_PROVISIONER = "kubernetes.io/no-provisioner";

/** A PV's required node affinity against a node (no affinity: every node). */
function pvMatchesNode(pv: V1PersistentVolume, node: V1Node): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  const labels = nodeLabels(node);
  return terms.some((t) => termMatches(t, labels, node.metadata?.name));
}

/** VolumeBinding's FindPodVolumes for a claim that can only bind to an existing PV ("didn't find available persistent volumes to bind"). */
function staticVolumeCheck(
  claim: string,
  pvc: V1PersistentVolumeClaim,
  className: string,
  cache: ClusterCache,
): (node: V1Node) => VolumeIssue | undefined {
  const wanted = amountOf("storage", pvc.spec?.resources?.requests?.["storage"]);
  const modes = pvc.spec?.accessModes ?? [];
  const candidates = cache
    .store("PersistentVolume")
    .list()
    .filter(
      (pv) =>
        pv.spec?.storageClassName === className &&
        !pv.spec?.claimRef &&
        (pv.status?.phase ?? "Available") === "Available" &&
        amountOf("storage", pv.spec?.capacity?.["storage"]) >= wanted &&
        modes.every((m) => pv.spec?.accessModes?.includes(m)),
    );
  return (node) =>
    candidates.some((pv) => pvMatchesNode(pv, node))
      ? undefined
      : {
          text: `no available PersistentVolume of StorageClass ${className} for PVC ${claim} on this node`,
          category: "PVCUnbound",
          action: `Create a PersistentVolume of StorageClass ${className} for PVC ${claim} on a node the pod may use`,
        };
}

export function prepareVolumes(pod: V1Pod, cache: ClusterCache): VolumeChecker {
  const ns = pod.metadata?.namespace ?? "default";
  const podLevel: VolumeIssue[] = [];
  const notes: string[] = [];
  const perNode: Array<(node: V1Node) => VolumeIssue | undefined> = [];

  for (const claim of claimNamesOf(pod)) {
    const pvc = cache.get({ kind: "PersistentVolumeClaim", namespace: ns, name: claim });
    if (!pvc) {
      podLevel.push({ text: `PVC ${claim} not found`, category: "PVCUnbound", action: `Create PersistentVolumeClaim ${ns}/${claim}` });
      continue;
    }
    if (pvc.metadata?.deletionTimestamp) {
      podLevel.push({ text: `PVC ${claim} is being deleted`, category: "PVCUnbound" });
      continue;
    }
    const phase = pvc.status?.phase ?? "Pending";
    if (phase !== "Bound" || !pvc.spec?.volumeName) {
      const { name: className, sc } = classOf(pvc, cache);
      if (className && !sc) {
        podLevel.push({
          text: `PVC ${claim} is not bound (status: ${phase}): StorageClass "${className}" not found`,
          category: "PVCUnbound",
          action: `Create StorageClass ${className} (or recreate PVC ${claim} with an existing class)`,
        });
      } else if (sc?.volumeBindingMode === "WaitForFirstConsumer") {
        if (sc.provisioner === NO_PROVISIONER) {
          // Local volumes: nothing is provisioned, the claim binds to an Available PV of the class on the chosen node.
          perNode.push(staticVolumeCheck(claim, pvc, className!, cache));
          continue;
        }
        notes.push(
          `PVC ${claim} waits for its first consumer (StorageClass ${className} is WaitForFirstConsumer): provisioned once the pod is scheduled`,
        );
        const terms = sc.allowedTopologies ?? [];
        if (terms.length > 0) {
          perNode.push((node) => {
            const labels = nodeLabels(node);
            const ok = terms.some((t) =>
              (t.matchLabelExpressions ?? []).every((e) => (e.values ?? []).includes(labels[e.key] ?? "\u0000")),
            );
            return ok
              ? undefined
              : {
                  text: `StorageClass ${className} allowedTopologies exclude this node (PVC ${claim})`,
                  category: "VolumeNodeAffinityConflict",
                };
          });
        }
      } else {
        const why = className === undefined || className === "" ? ": no StorageClass, and no PersistentVolume matches it" : "";
        podLevel.push({
          text: `PVC ${claim} is not bound (status: ${phase})${why}`,
          category: "PVCUnbound",
          action: `Check why PVC ${claim} is not bound (kubectl describe pvc ${claim} -n ${ns})`,
        });
      }
      continue;
    }

    const pvName = pvc.spec.volumeName;
    const pv = cache.get({ kind: "PersistentVolume", name: pvName });
    if (!pv) {
      podLevel.push({ text: `PVC ${claim} is bound to PV ${pvName}, which does not exist`, category: "PVCUnbound" });
      continue;
    }
    if (pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.length) {
      perNode.push((node) =>
        pvMatchesNode(pv, node)
          ? undefined
          : { text: `PV ${pvName} has node affinity that doesn't match this node (PVC ${claim})`, category: "VolumeNodeAffinityConflict" },
      );
    }

    const modes = pvc.status?.accessModes ?? pvc.spec?.accessModes ?? [];
    const users = cache
      .store("Pod")
      .byIndex("pvc", `${ns}/${claim}`)
      .filter((p) => p.metadata?.uid !== pod.metadata?.uid && p.spec?.nodeName && holdsResources(p));
    if (modes.includes("ReadWriteOncePod") && users.length > 0) {
      podLevel.push({
        text: `PVC ${claim} is ReadWriteOncePod and already used by pod ${ns}/${users[0]!.metadata?.name}`,
        category: "VolumeMultiAttachError",
        action: `Delete or scale down pod ${ns}/${users[0]!.metadata?.name}, which holds ReadWriteOncePod PVC ${claim}`,
      });
    } else if (modes.includes("ReadWriteOnce") && !modes.includes("ReadWriteMany") && !modes.includes("ReadOnlyMany") && users.length > 0) {
      // Only a real multi-attach: the volume is attached where another pod runs; that node itself is fine.
      const user = users[0]!;
      const at = user.spec!.nodeName!;
      perNode.push((node) =>
        node.metadata?.name === at
          ? undefined
          : {
              text: `PVC ${claim} (ReadWriteOnce) is in use by pod ${ns}/${user.metadata?.name} on node ${at}: attaching it here would fail (Multi-Attach)`,
              category: "VolumeMultiAttachError",
            },
      );
    }
  }

  return {
    podLevel,
    notes,
    check: (node) => [...podLevel, ...perNode.map((f) => f(node)).filter((i): i is VolumeIssue => i !== undefined)],
  };
}
