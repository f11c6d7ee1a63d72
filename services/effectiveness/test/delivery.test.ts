// Exactly one assessment per execution, whatever happens during the stabilization window: the service killed
// (SIGKILL) and started again, or NATS restarted. The schedule lives in JetStream (VIGIL_DELAYED, file storage),
// the assessment id is derived from the execution, and the action-history row holds the first verdict.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pg from "pg";
import { crashLooping, lastTerminated, podWith } from "@vigil/acceptance";
import { streams } from "@vigil/contracts";
import { waitFor } from "@vigil/testing";
import { ASSESS_DURABLE, EXECUTIONS_DURABLE } from "../src/index.js";
import { type LoopHarness, loopSuite, raisePaymentsLimit } from "./loop-harness.js";

describe("one assessment per execution across crashes and restarts", () => {
  const suite = loopSuite({ scenario: "oom-crashloop", effectivenessProcess: true });

  const auditEvents = async (executionId: string): Promise<number> => {
    const client = new pg.Client({ connectionString: suite.h.db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM action_audit WHERE execution_id = $1 AND type = 'effectiveness_recorded'`,
        [executionId],
      );
      return Number(rows[0].n);
    } finally {
      await client.end();
    }
  };

  test("killed with SIGKILL in the middle of the window: exactly one assessment after it comes back", async () => {
    const pod = podWith(suite.h.sim, "shop", "payments-api", lastTerminated("OOMKilled"));
    await suite.h.alert(crashLooping("shop", pod, "api"), { startsAt: suite.h.sim.clock.now() - 60_000 });
    const row = await raisePaymentsLimit(suite.h, "768Mi", "succeeded");
    // Scheduled (the delayed task is in JetStream), then the process dies before it is due.
    await waitFor(async () => (await scheduledCount(suite.h)) >= 1, {
      timeoutMs: 15_000,
      message: "the assessment scheduled",
    });
    await suite.h.stopEffectiveness();
    await suite.h.advance("6m");
    await suite.h.startEffectiveness();
    const a = await suite.h.assessmentOf(row.executionId, 60_000);
    assert.equal(a.executionId, row.executionId);
    // Count once every delivery of both durables has been handled: a duplicate would have been published by then.
    await suite.h.advance("1m");
    await waitFor(() => settled(suite.h), { timeoutMs: 15_000, message: "effectiveness consumers settled" });
    assert.equal((await suite.h.assessments()).filter((x) => x.executionId === row.executionId).length, 1);
    assert.equal(await auditEvents(row.executionId), 1);
  });

  test("NATS restarted in the middle of the window: exactly one assessment", async () => {
    const row = await raisePaymentsLimit(suite.h, "1Gi", "succeeded");
    await waitFor(async () => (await scheduledCount(suite.h)) >= 2, { timeoutMs: 15_000, message: "the second assessment scheduled" });
    await suite.nats.restart();
    await suite.h.advance("6m");
    const a = await suite.h.assessmentOf(row.executionId, 60_000);
    assert.equal(a.executionId, row.executionId);
    await suite.h.advance("1m");
    await waitFor(() => settled(suite.h), { timeoutMs: 15_000, message: "effectiveness consumers settled" });
    assert.equal((await suite.h.assessments()).filter((x) => x.executionId === row.executionId).length, 1);
    assert.equal(await auditEvents(row.executionId), 1);
  });
});

/** Both durables of the service have nothing left to deliver and nothing delivered unacknowledged. */
async function settled(h: LoopHarness): Promise<boolean> {
  const infos = await Promise.all([
    h.jsm.consumers.info(streams.actions.name, EXECUTIONS_DURABLE),
    h.jsm.consumers.info(streams.delayed.name, ASSESS_DURABLE),
  ]);
  return infos.every((i) => i.num_pending === 0 && i.num_ack_pending === 0);
}

/** Assessment tasks stored in VIGIL_DELAYED (one per execution: the task id is derived from it). */
async function scheduledCount(h: LoopHarness): Promise<number> {
  const info = await h.jsm.streams.info("VIGIL_DELAYED", { subjects_filter: "vigil.delayed.effectiveness_assess" }).catch(() => undefined);
  return Object.values(info?.state.subjects ?? {}).reduce((s, n) => s + Number(n), 0);
}
