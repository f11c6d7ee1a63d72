// The rules path through the whole service (LLM_PROVIDER=none): a scenario's diagnosis, made as the analyzer makes
// it, published on vigil.analysis.completed, and its proposal read back from VIGIL_ACTIONS: valid against the
// contract, derived from the diagnosis (ids, correlation, incident), decided by a named rule, free. Then what
// delivery guarantees promise: a redelivered diagnosis gives one proposal, an invalid one goes to the dead letters.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DiagnosisMessage, subjects, topics } from "@vigil/contracts";
import { deploymentReplicasMismatch } from "@vigil/acceptance";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import { proposalIdFor } from "../src/index.js";
import {
  deadLettersIn,
  diagnoseScenario,
  diagnosesSettled,
  getJson,
  type Harness,
  proposalOf,
  proposalsIn,
  startHarness,
  waitFor,
} from "./harness.js";

describe("investigator pipeline, rules only", () => {
  let nats: NatsServerHandle;
  let h: Harness;
  const diagnoses = new Map<string, DiagnosisMessage>();
  before(async () => {
    nats = await startNats();
    h = await startHarness(nats.url, { scenario: "oom-crashloop" });
    for (const scenario of ["oom-crashloop", "healthy", "pending-insufficient-memory"]) {
      diagnoses.set(scenario, await diagnoseScenario(scenario, `rules-${scenario}`));
    }
    diagnoses.set(
      "oom-crashloop-deployment",
      await diagnoseScenario("oom-crashloop", "rules-oom-deployment", undefined, () => deploymentReplicasMismatch("shop", "payments-api")),
    );
  });
  after(async () => {
    await h?.stop();
    await nats?.stop();
  });

  const expected: Array<[string, string, (p: Awaited<ReturnType<typeof proposalOf>>) => void]> = [
    [
      "oom-crashloop",
      "raises the OOMKilled container's memory limit",
      (p) => {
        assert.equal(p.kind, "action");
        if (p.kind === "action") assert.equal(p.action, "increase_resources");
      },
    ],
    ["healthy", "proposes nothing: nothing is wrong", (p) => assert.equal(p.kind, "no_action")],
    [
      "pending-insufficient-memory",
      "escalates with the scheduling explanation",
      (p) => {
        assert.equal(p.kind, "escalate");
        if (p.kind === "escalate") assert.ok(p.reasons.length > 0);
      },
    ],
  ];
  it("oom-crashloop alerted on the Deployment: the same fix, matched on the cause the analyzer found under the symptom", async () => {
    const diagnosis = diagnoses.get("oom-crashloop-deployment")!;
    assert.equal(diagnosis.findings[0]?.code, "DEPLOYMENT_REPLICAS_UNAVAILABLE", "the symptom comes first");
    await h.bus.publish(topics.diagnoses, diagnosis);
    const p = await proposalOf(h.jsm, diagnosis);
    assert.equal(p.kind, "action", JSON.stringify(p));
    if (p.kind !== "action") return;
    assert.equal(p.action, "increase_resources");
    assert.equal(p.ruleId, "oom-raise-limit");
    assert.deepEqual(p.target, { kind: "Deployment", name: "payments-api", namespace: "shop" });
    assert.deepEqual(p.parameters, { container: "api", resource: "memory", limit: { factor: 2 } });
  });

  for (const [scenario, what, check] of expected) {
    it(`${scenario}: ${what}`, async () => {
      const diagnosis = diagnoses.get(scenario)!;
      await h.bus.publish(topics.diagnoses, diagnosis);
      const p = await proposalOf(h.jsm, diagnosis);
      check(p);
      assert.equal(p.id, proposalIdFor(diagnosis.id));
      assert.equal(p.causationId, diagnosis.id);
      assert.equal(p.correlationId, diagnosis.correlationId);
      assert.equal(p.incidentId, diagnosis.incidentId);
      assert.deepEqual(p.owner, diagnosis.owner);
      assert.equal(p.source, "rules");
      assert.ok(p.ruleId, "a rules proposal names its rule");
      assert.equal(p.model, undefined);
      assert.deepEqual(p.tokens, { prompt: 0, completion: 0 });
      assert.equal(p.estimatedCostUsd, 0);
      assert.ok(p.latencyMs >= 0 && p.latencyMs < 5_000, `latency ${p.latencyMs}`);
      // Cluster time (the simulator's virtual clock runs ahead of the wall clock after its warm-up).
      assert.ok(Math.abs(Date.parse(p.proposedAt) - h.sim.clock.now()) < 60_000, `proposedAt ${p.proposedAt} is cluster time`);
    });
  }

  it("a redelivered diagnosis gives one proposal (same id, deduplicated)", async () => {
    const diagnosis = { ...diagnoses.get("oom-crashloop")!, id: "diag-redelivered" };
    // The same diagnosis twice under different message ids: what a crash before the ack amounts to.
    const js = h.bus.js;
    await js.publish(subjects.analysisCompleted, JSON.stringify(diagnosis), { msgID: "redelivery-1" });
    await proposalOf(h.jsm, diagnosis);
    const second = await js.publish(subjects.analysisCompleted, JSON.stringify(diagnosis), { msgID: "redelivery-2" });
    await waitFor(
      async () => {
        const info = await h.jsm.consumers.info("VIGIL_ANALYSIS", "investigator");
        return info.delivered.stream_seq >= second.seq && (await diagnosesSettled(h.jsm));
      },
      { message: "both deliveries handled" },
    );
    const about = (await proposalsIn(h.jsm)).filter((p) => p.diagnosisId === diagnosis.id);
    assert.equal(about.length, 1, `proposals: ${about.map((p) => p.id).join(", ")}`);
    const metrics = await (await fetch(`${h.investigator.url}/metrics`)).text();
    assert.match(metrics, /vigil_investigator_proposals_total\{kind="action",source="rules",action="increase_resources"\} [1-9]/);
    assert.match(metrics, /vigil_investigator_decision_paths_total\{path="rules"\} [1-9]/);
    // Action proposals are recorded for calibration, pending until an assessment joins them.
    const report = (await getJson(`${h.investigator.url}/api/v1/calibration`)).body.data;
    const entry = report.actions.find((a: any) => a.source === "rules" && a.action === "increase_resources");
    assert.ok(entry && entry.pending >= 1, JSON.stringify(report.actions));
  });

  it("an invalid diagnosis goes to the dead letters with the reason, and nothing is proposed", async () => {
    const bad = { ...diagnoses.get("healthy")!, id: "diag-invalid", outcome: "probably_fine" };
    await h.bus.js.publish(subjects.analysisCompleted, JSON.stringify(bad), { msgID: "diag-invalid" });
    const letter = await waitFor(
      async () => (await deadLettersIn(h.jsm)).find((d) => d.consumer === "investigator" && d.payload.includes("diag-invalid")),
      {
        message: "dead letter of the invalid diagnosis",
      },
    );
    assert.equal(letter.reason, "invalid_message");
    assert.match(letter.error, /outcome/);
    await waitFor(() => diagnosesSettled(h.jsm), { message: "diagnoses settled" });
    assert.equal((await proposalsIn(h.jsm)).filter((p) => p.diagnosisId === "diag-invalid").length, 0);
  });
});
