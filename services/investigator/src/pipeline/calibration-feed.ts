// The effectiveness consumer: `vigil.effectiveness.assessed` (durable `investigator-calibration`) → the calibration
// store, which joins each assessment with the proposal it judged (by proposal id) so GET /api/v1/calibration can
// compare the confidence stated with the outcome observed. Recording is a KV put keyed by the proposal id: a
// redelivery writes the same value again, harmlessly.
import type { Bus } from "@vigil/bus";
import { topics } from "@vigil/contracts";
import type { CalibrationStore } from "@vigil/investigation";
import type { InvestigatorMetrics } from "../metrics.js";

export const CALIBRATION_DURABLE = "investigator-calibration";

export async function startCalibrationFeed(opts: {
  bus: Bus;
  store: Pick<CalibrationStore, "recordAssessment">;
  metrics: InvestigatorMetrics;
}): Promise<void> {
  await opts.bus.consume({
    topic: topics.effectiveness,
    durable: CALIBRATION_DURABLE,
    concurrency: 1,
    handler: async (assessment, ctx) => {
      await opts.store.recordAssessment(assessment);
      opts.metrics.assessments.inc({ outcome: assessment.outcome });
      ctx.log.debug(
        {
          incidentId: assessment.incidentId,
          correlationId: assessment.correlationId,
          proposalId: assessment.proposalId,
          outcome: assessment.outcome,
        },
        "assessment recorded for calibration",
      );
    },
  });
}
