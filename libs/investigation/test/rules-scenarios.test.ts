// Every simulator scenario's real diagnosis (scenario-diagnoses.ts), decided by the rules engine with no
// history: the decision must be the acceptance table's `proposal`, and a valid proposal once wrapped.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { scenarioExpectations, type ScenarioExpectation } from "@vigil/acceptance";
import { loadRulesEngine } from "../src/index.js";
import { assertPublishable, noHistory } from "./rules-fixtures.js";
import { diagnoseScenario } from "./scenario-diagnoses.js";

const engine = loadRulesEngine();

describe("the rules engine on every simulator scenario", () => {
  for (const row of scenarioExpectations) {
    const expected = row.proposal;
    test(`${row.scenario}: ${expected ? `${expected.kind}${expected.action ? ` ${expected.action}` : ""}` : "(no proposal in the table)"}`, async () => {
      assert.ok(expected, `the acceptance row of ${row.scenario} has no proposal`);
      const d = await diagnoseScenario(row);
      const decision = await engine.decide(d, noHistory);
      const got = decision.kind === "action" ? `action ${decision.action}` : decision.kind;
      const want = expected.action ? `${expected.kind} ${expected.action}` : expected.kind;
      assert.equal(got, want, `${row.scenario}: rule ${decision.ruleId}, ${decision.reasoning}`);
      assert.equal(decision.source, "rules");
      assertPublishable(d, decision);
      if (decision.kind === "action") {
        // The action points at what the finding is about, or at its owner/node: never at something unrelated.
        const related = [d.target, d.owner, ...d.ownerChain, ...d.findings.map((f) => f.resource)];
        assert.ok(
          related.some((r) => r?.kind === decision.target.kind && r.name === decision.target.name),
          `target ${JSON.stringify(decision.target)}`,
        );
      }
    });
  }

  test("Watchdog is no_action, in a cluster with a crash loop", async () => {
    const watchdog: ScenarioExpectation = {
      scenario: "oom-crashloop",
      why: "the always-firing alert that proves the alerting pipeline works",
      alert: () => ({ labels: { alertname: "Watchdog", severity: "none" }, annotations: {} }),
      outcome: "no_issue_found",
      owner: { kind: "Cluster", name: "cluster" },
    };
    const d = await diagnoseScenario(watchdog);
    const decision = await engine.decide(d, noHistory);
    assert.equal(decision.kind, "no_action");
    assert.equal(decision.ruleId, "no-issue");
    assertPublishable(d, decision);
  });
});
