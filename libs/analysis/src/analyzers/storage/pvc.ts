// PersistentVolumeClaim phase: Pending that will not resolve by itself, and Lost.
// A Pending claim is a finding only with a reason: a ProvisioningFailed event, a StorageClass that does not exist
// (StorageClasses are cached, so this is determinable even before the provisioner complains), or Pending for
// longer than PENDING_GRACE_MS. Not a finding: a claim of a WaitForFirstConsumer class that no pod uses yet
// (binding waits for the first consumer by design), or one that is merely new.
import type { CoreV1Event, V1PersistentVolumeClaim, V1Pod, V1StorageClass } from "@kubernetes/client-node";
import type { ClusterCache } from "@vigil/kube";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, ms, objectEvidence, refOf } from "../../evidence.js";
import { describeWorkload, workloadOf } from "../network/pod-facts.js";

const PENDING_GRACE_MS = 5 * 60_000;
const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** Pods mounting the claim (the cache indexes pods by namespace/claim). */
export const podsMounting = (cache: ClusterCache, pvc: V1PersistentVolumeClaim): V1Pod[] =>
  cache.store("Pod").byIndex("pvc", `${pvc.metadata?.namespace ?? ""}/${pvc.metadata?.name ?? ""}`);

/** The claim's StorageClass: the one it names, else the cluster default; `undefined` name when neither. */
export function storageClassOf(
  cache: ClusterCache,
  pvc: V1PersistentVolumeClaim,
): { name: string | undefined; object: V1StorageClass | undefined } {
  const named = pvc.spec?.storageClassName;
  if (!cache.has("StorageClass")) return { name: named || undefined, object: undefined };
  if (named) return { name: named, object: cache.get({ kind: "StorageClass", name: named }) };
  if (named === "") return { name: undefined, object: undefined };
  const fallback = cache
    .store("StorageClass")
    .list()
    .find((sc) => sc.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true");
  return { name: fallback?.metadata?.name, object: fallback };
}

export const pvcAnalyzer = defineAnalyzer({
  name: "pvc",
  area: "storage",
  kind: "PersistentVolumeClaim",
  analyze(pvc, ctx) {
    if (pvc.status?.phase === "Lost") return [lost(pvc, ctx)];
    if (pvc.status?.phase === "Pending") {
      const f = pending(pvc, ctx);
      return f ? [f] : [];
    }
    return [];
  },
});

function pending(pvc: V1PersistentVolumeClaim, ctx: AnalysisContext): FindingDraft | undefined {
  const ns = pvc.metadata?.namespace ?? "default";
  const name = `${ns}/${pvc.metadata?.name}`;
  const events = ctx.cache.eventsFor({
    kind: "PersistentVolumeClaim",
    namespace: ns,
    name: pvc.metadata?.name ?? "",
    ...(pvc.metadata?.uid ? { uid: pvc.metadata.uid } : {}),
  });
  const failed = events.filter((e) => e.reason === "ProvisioningFailed");
  const lastFailure: CoreV1Event | undefined = failed.at(-1);
  const sc = storageClassOf(ctx.cache, pvc);
  const classMissing = ctx.cache.has("StorageClass") && !!pvc.spec?.storageClassName && sc.object === undefined;
  const pods = podsMounting(ctx.cache, pvc);
  const waitsForConsumer = sc.object?.volumeBindingMode === "WaitForFirstConsumer";
  if (waitsForConsumer && pods.length === 0 && failed.length === 0) return undefined;
  const age = ctx.now - (ms(pvc.metadata?.creationTimestamp) ?? ctx.now);
  if (!lastFailure && !classMissing && age < PENDING_GRACE_MS) return undefined;

  const workloads = [...new Set(pods.map((p) => describeWorkload(workloadOf(ctx.cache, p))))];
  const blocked = workloads.length > 0 ? ` ${workloads.join(", ")} cannot start: its pods wait for this claim.` : "";
  const why = classMissing
    ? `StorageClass "${sc.name}" does not exist, so no volume can be provisioned.`
    : lastFailure
      ? `The provisioner fails: ${lastFailure.message ?? lastFailure.reason}.`
      : sc.name === undefined
        ? `It names no StorageClass and the cluster has no default one, so it waits for a matching pre-provisioned volume.`
        : `It has been Pending for ${Math.round(age / 60_000)} min with StorageClass "${sc.name}" (provisioner ${sc.object?.provisioner ?? "unknown"}).`;
  // The wrong fix rides on the explanation (hypotheses are ranked by confidence: a "will not help" of its own would outrank it).
  const wrongFix =
    workloads.length > 0 ? `; restarting or scaling ${workloads.join(", ")} will not help: new pods wait for the same claim` : "";
  const hypotheses: HypothesisDraft[] = classMissing
    ? [
        {
          statement: `Create StorageClass "${sc.name}" (or recreate the claim with an existing class: a claim's storageClassName is immutable, patching it is refused)${wrongFix}`,
          confidence: 0.85,
          actions: ["escalate"],
        },
      ]
    : [
        {
          statement: `The storage provisioner cannot satisfy the claim: ${why}${wrongFix}`,
          confidence: lastFailure ? 0.7 : 0.4,
          actions: ["escalate"],
        },
      ];
  return {
    code: "PVC_PENDING",
    severity: pods.length > 0 ? "critical" : "warning",
    resource: refOf(pvc),
    summary: classMissing
      ? `PVC ${name} is Pending: StorageClass "${sc.name}" not found`
      : `PVC ${name} is Pending${lastFailure ? `: ${(lastFailure.message ?? "").slice(0, 120)}` : ""}`,
    detail: `${why}${blocked}`,
    evidence: [
      objectEvidence(pvc, `PVC ${name} Pending`, {
        phase: "Pending",
        storageClassName: pvc.spec?.storageClassName ?? null,
        requested: pvc.spec?.resources?.requests?.["storage"],
        accessModes: pvc.spec?.accessModes,
      }),
      ...(lastFailure ? [eventEvidence(lastFailure)] : []),
      ...pods.slice(0, 2).map((p) =>
        objectEvidence(p, `${p.metadata?.name} mounts ${pvc.metadata?.name} and is ${p.status?.phase ?? "Pending"}`, {
          phase: p.status?.phase,
        }),
      ),
    ],
    hypotheses,
  };
}

function lost(pvc: V1PersistentVolumeClaim, ctx: AnalysisContext): FindingDraft {
  const name = `${pvc.metadata?.namespace}/${pvc.metadata?.name}`;
  const pv = pvc.spec?.volumeName;
  const exists = pv ? ctx.cache.get({ kind: "PersistentVolume", name: pv }) !== undefined : false;
  const ns = pvc.metadata?.namespace ?? "default";
  const events = ctx.cache
    .eventsFor({
      kind: "PersistentVolumeClaim",
      namespace: ns,
      name: pvc.metadata?.name ?? "",
      ...(pvc.metadata?.uid ? { uid: pvc.metadata.uid } : {}),
    })
    .filter((e) => e.reason === "ClaimLost")
    .slice(-1);
  return {
    code: "PVC_LOST",
    severity: "critical",
    resource: refOf(pvc),
    summary: `PVC ${name} is Lost: its volume ${pv ?? "(none)"} ${exists ? "no longer binds it" : "is gone"}`,
    detail: `The claim was bound to PersistentVolume ${pv ?? "(unknown)"}, which ${exists ? "no longer references it" : "no longer exists"}; the data may be unrecoverable without a backup or the underlying disk.`,
    evidence: [objectEvidence(pvc, `PVC ${name} Lost`, { phase: "Lost", volumeName: pv ?? null }), ...events.map(eventEvidence)],
    hypotheses: [
      {
        statement: `The PersistentVolume was deleted or its binding removed; restore it from the underlying disk or a backup (restarting the pods that mount it will not help: the claim has no volume to attach)`,
        confidence: 0.7,
        actions: ["escalate"],
      },
    ],
  };
}
