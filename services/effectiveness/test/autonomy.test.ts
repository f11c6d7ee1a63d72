// Earned autonomy across the effectiveness service and the executor: the policy requires approval for
// rollout_restart and allows earned autonomy; after N assessed successes (N = 2 here) effectiveness promotes
// (rollout_restart, KubePodNotReady, default) in KV `vigil_autonomy`, and the executor's next proposal of that class
// runs without approval. One low score demotes it, and the next proposal waits for a human again. Every change is
// published on `vigil.effectiveness.autonomy` and recorded in PostgreSQL.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nameOf, podNotReady } from "@vigil/acceptance";
import { autonomyChangeMessage, kvBuckets, streams, subjects } from "@vigil/contracts";
import type { Pod } from "@vigil/kube-sim";
import { readStream } from "@vigil/testing";
import { loopSuite, OPEN_POLICY } from "./loop-harness.js";

const web = { kind: "Deployment", name: "web", namespace: "shop" };
const POLICY = `${OPEN_POLICY}
approval:
  requiredFor: { actions: [rollout_restart] }
  autonomy: { earned: true, alwaysRequireApproval: [] }
`;

describe("earned autonomy: promoted by good outcomes, demoted by a bad one", () => {
  const suite = loopSuite({ scenario: "healthy", policy: POLICY, effectivenessEnv: { EFFECTIVENESS_AUTONOMY_SUCCESSES: "2" } });

  /** One incident: the alert fires, rollout_restart is proposed (approved by alice if it waits), and the alert resolves or not. */
  async function incident(opts: { resolves: boolean }): Promise<{ row: any; approved: boolean }> {
    const pod = suite.h.sim.list<Pod>("Pod", "shop").find((p) => nameOf(p).startsWith("web-") && !p.metadata.deletionTimestamp)!;
    const alert = podNotReady("shop", pod);
    const firedAt = suite.h.sim.clock.now() - 60_000;
    await suite.h.alert(alert, { startsAt: firedAt });
    const p = await suite.h.propose("rollout_restart", web, {}, { alertname: "KubePodNotReady", owner: web });
    let row = await suite.h.executionOf(p.id, ["pending_approval", "succeeded"]);
    const approved = row.status === "pending_approval";
    if (approved) {
      const ok = await suite.h.api(suite.h.executorUrl, `/api/v1/actions/${row.executionId}/approve`, {
        body: { by: "alice", diffHash: row.approval.diffHash },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      row = await suite.h.executionOf(p.id, ["succeeded"]);
    }
    await suite.h.advance("3m");
    if (opts.resolves) await suite.h.alert(alert, { startsAt: firedAt, endsAt: suite.h.sim.clock.now() - 10_000 });
    await suite.h.advance("3m");
    const a = await suite.h.assessmentOf(row.executionId);
    return { row: { ...row, assessment: a }, approved };
  }

  const ledger = async () =>
    (await (await suite.h.bus.kv(kvBuckets.autonomy)).get(kvBuckets.autonomy.key("rollout_restart", "KubePodNotReady", "default")))?.value;

  test("two successes earn autonomy; the next one runs without approval; a low score takes it back", async () => {
    const first = await incident({ resolves: true });
    assert.equal(first.approved, true, "the policy requires approval at first");
    assert.equal(first.row.assessment.outcome, "effective", first.row.assessment.notes);
    assert.equal((await ledger())?.state, "approval_required");

    const second = await incident({ resolves: true });
    assert.equal(second.approved, true);
    assert.equal(second.row.assessment.outcome, "effective", second.row.assessment.notes);
    const earned = await ledger();
    assert.equal(earned?.state, "earned");
    assert.equal(earned?.successes, 2);

    // Earned: the executor lifts the approval for this class, and says why.
    const third = await incident({ resolves: false });
    assert.equal(third.approved, false, "ran without approval");
    assert.equal(third.row.policy.autonomyEarned, true);
    assert.ok(third.row.policy.matched.some((m: any) => m.ruleId === "approval.autonomy-earned"));
    // Its alert kept firing: a low score, and the class is demoted.
    assert.ok(third.row.assessment.score < 0.8, `score ${third.row.assessment.score}`);
    assert.equal((await ledger())?.state, "approval_required");

    const fourth = await incident({ resolves: true });
    assert.equal(fourth.approved, true, "approval is required again after the demotion");

    const changes = (
      await readStream(suite.h.jsm, streams.effectiveness.name, {
        subject: subjects.autonomyChanged,
        parse: (j) => autonomyChangeMessage.parse(j),
      })
    ).map((m) => m.message);
    assert.deepEqual(
      changes.map((c) => [c.to, c.executionId]),
      [
        ["earned", second.row.executionId],
        ["approval_required", third.row.executionId],
      ],
    );
    const recorded = (await suite.h.api(suite.h.effectivenessUrl, "/api/v1/autonomy")).body.data;
    assert.equal(recorded.changes.length, 2, JSON.stringify(recorded));
  });
});
