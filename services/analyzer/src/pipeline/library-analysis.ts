// The pipeline's seam (AlertAnalysis) bound to @vigil/analysis: resolveTarget for the owner, its no-trouble list,
// and diagnose with the resolution the pipeline already made (the target is not looked up twice).
import { diagnose, noTroubleReason, resolveTarget, type ResolvedTarget } from "@vigil/analysis";
import type { Logger } from "pino";
import type { AlertAnalysis } from "./alert-analysis.js";

export function libraryAnalysis(log: Logger): AlertAnalysis<ResolvedTarget> {
  return {
    noTroubleReason,
    resolve: (alert, ctx) => resolveTarget(alert, ctx.cache),
    diagnose: (r) =>
      diagnose({
        alert: r.alert,
        id: r.id,
        incident: { incidentId: r.incidentId, owner: r.owner, alertIds: r.alertIds, occurrences: r.occurrences },
        ctx: r.ctx,
        startedAt: r.startedAt,
        resolved: r.resolution,
        // An analyzer that throws on one odd object is a bug to fix, not a reason to leave the incident undiagnosed.
        onAnalyzerError: (err, object) =>
          log.error(
            { err, kind: object.kind, namespace: object.metadata?.namespace, name: object.metadata?.name, alert: r.alert.id },
            "an analyzer failed; diagnosing without its findings on this object",
          ),
      }),
  };
}
