// How full a bound claim's filesystem is, from the kubelet's volume stats (ctx.usage.volume): bytes or inodes
// at settings.pvcNearlyFullRatio → PVC_NEARLY_FULL, at settings.pvcFullRatio → PVC_FULL. The fix offered
// follows the StorageClass: expand_pvc only when it allows volume expansion (the API server refuses a resize
// otherwise), else escalate. No usage answer (no kubelet stats, a claim no running pod mounts): no finding.
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { defineAnalyzer, type HypothesisDraft } from "../../analyzer-definition.js";
import { objectEvidence, refOf, sampleEvidence } from "../../evidence.js";
import type { VolumeUsage } from "../../usage-view.js";
import { storageClassOf } from "./pvc.js";

const GI = 1024 ** 3;
const size = (bytes: number): string => (bytes >= GI ? `${(bytes / GI).toFixed(1)}Gi` : `${Math.round(bytes / 1024 ** 2)}Mi`);
const pct = (r: number): string => `${(r * 100).toFixed(0)}%`;

/** The fuller of bytes and inodes: a volume out of inodes is as full as one out of bytes. */
function fullness(u: VolumeUsage): { ratio: number; by: "bytes" | "inodes" } {
  const bytes = u.capacityBytes > 0 ? u.usedBytes / u.capacityBytes : 0;
  const inodes = u.inodes && u.inodesUsed !== undefined ? u.inodesUsed / u.inodes : 0;
  return inodes > bytes ? { ratio: inodes, by: "inodes" } : { ratio: bytes, by: "bytes" };
}

export const pvcUsageAnalyzer = defineAnalyzer({
  name: "pvc-usage",
  area: "storage",
  kind: "PersistentVolumeClaim",
  analyze(pvc: V1PersistentVolumeClaim, ctx) {
    if (pvc.status?.phase !== "Bound") return [];
    const ns = pvc.metadata?.namespace ?? "default";
    const answer = ctx.usage.volume(ns, pvc.metadata?.name ?? "");
    if (!answer.available) return [];
    const u = answer.value;
    const { ratio, by } = fullness(u);
    const { pvcNearlyFullRatio, pvcFullRatio } = ctx.settings;
    if (ratio < pvcNearlyFullRatio) return [];
    const full = ratio >= pvcFullRatio;
    const name = `${ns}/${pvc.metadata?.name}`;
    const sc = storageClassOf(ctx.cache, pvc);
    const expandable = sc.object?.allowVolumeExpansion === true;
    const capacity = pvc.status?.capacity?.["storage"] ?? size(u.capacityBytes);
    const used = by === "bytes" ? `${size(u.usedBytes)} of ${size(u.capacityBytes)}` : `${u.inodesUsed} of ${u.inodes} inodes`;
    // The wrong fix rides on the explanation (hypotheses are ranked by confidence: a "will not help" of its own would outrank it).
    const wrongFix = "; restarting the pod will not help: the data lives on the volume and stays";
    const hypotheses: HypothesisDraft[] = [
      expandable && by === "bytes"
        ? {
            statement: `The volume needs more room: expand the claim (StorageClass "${sc.name}" allows volume expansion)${wrongFix}`,
            confidence: 0.8,
            actions: ["expand_pvc"],
          }
        : {
            statement:
              by === "inodes"
                ? `The filesystem is out of inodes (many small files): expanding bytes may not help; clean up or migrate the data${wrongFix}`
                : `The volume needs more room, but StorageClass "${sc.name ?? "(none)"}" does not allow expansion: migrate the data to a larger volume or clean up${wrongFix}`,
            confidence: 0.7,
            actions: ["escalate"],
          },
    ];
    return [
      {
        code: full ? "PVC_FULL" : "PVC_NEARLY_FULL",
        severity: full ? "critical" : "warning",
        resource: refOf(pvc),
        summary: `PVC ${name} is ${pct(ratio)} full (${used})`,
        detail:
          `The kubelet on ${u.node} reports ${used} used on the volume of ${name} (capacity ${capacity}); ` +
          `the ${full ? "full" : "nearly-full"} threshold is ${pct(full ? pvcFullRatio : pvcNearlyFullRatio)}. ` +
          (expandable ? `StorageClass "${sc.name}" allows expansion.` : `StorageClass "${sc.name ?? "(none)"}" does not allow expansion.`),
        evidence: [
          sampleEvidence({
            summary: `${name}: ${used} used (${pct(ratio)})`,
            metric: by === "bytes" ? "kubelet_volume_stats_used_bytes" : "kubelet_volume_stats_inodes_used",
            value: by === "bytes" ? u.usedBytes : (u.inodesUsed ?? 0),
            unit: by === "bytes" ? "bytes" : "inodes",
            node: u.node,
            ref: refOf(pvc),
            at: answer.at,
          }),
          objectEvidence(pvc, `PVC ${name}: capacity ${capacity}, StorageClass ${sc.name ?? "(none)"}`, {
            capacity,
            storageClassName: sc.name ?? null,
            allowVolumeExpansion: expandable,
          }),
        ],
        hypotheses,
      },
    ];
  },
});
