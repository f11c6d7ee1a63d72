// PersistentVolume phase Failed: the reclaim policy could not be carried out (a Recycle or Delete that failed,
// the backing disk gone). Released volumes are not findings: with the Retain policy that is their normal end.
import { defineAnalyzer } from "../../analyzer-definition.js";
import { eventEvidence, objectEvidence, refOf } from "../../evidence.js";

export const pvAnalyzer = defineAnalyzer({
  name: "pv",
  area: "storage",
  kind: "PersistentVolume",
  analyze(pv, ctx) {
    if (pv.status?.phase !== "Failed") return [];
    const name = pv.metadata?.name ?? "";
    const claim = pv.spec?.claimRef ? `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}` : undefined;
    const events = ctx.cache
      .eventsFor({ kind: "PersistentVolume", name, ...(pv.metadata?.uid ? { uid: pv.metadata.uid } : {}) })
      .filter((e) => e.type === "Warning")
      .slice(-3);
    return [
      {
        code: "PV_FAILED",
        severity: "warning",
        resource: refOf(pv),
        summary: `PersistentVolume ${name} is Failed${pv.status.message ? `: ${pv.status.message}` : ""}`,
        detail:
          `Its ${pv.spec?.persistentVolumeReclaimPolicy ?? "reclaim"} policy could not be carried out${claim ? ` after claim ${claim} released it` : ""}; ` +
          `the volume and its backing storage need an administrator.`,
        evidence: [
          objectEvidence(pv, `PV ${name} Failed`, {
            phase: "Failed",
            reason: pv.status.reason,
            message: pv.status.message,
            reclaimPolicy: pv.spec?.persistentVolumeReclaimPolicy,
            claim: claim ?? null,
          }),
          ...events.map(eventEvidence),
        ],
        hypotheses: [
          {
            statement: `The storage backend refused the reclaim; clean up the backing disk and delete the volume by hand`,
            confidence: 0.6,
            actions: ["escalate"],
          },
        ],
      },
    ];
  },
});
