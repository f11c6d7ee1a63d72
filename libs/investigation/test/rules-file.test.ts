// The operator's YAML rules file: validated at start with every problem at once, each naming the rule and the
// field; rules override shipped ones by id, add new ones, or switch shipped ones off.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeTempDir, type TempDir } from "@vigil/testing";
import { defaultRules, loadRulesEngine, RulesFileError } from "../src/index.js";
import { assertAction, assertEscalate, diagnosisWith, finding, noHistory } from "./rules-fixtures.js";

describe("the operator's rules file", () => {
  let dir: TempDir;
  before(async () => {
    dir = await makeTempDir("rules-file");
  });
  after(async () => {
    await dir.remove();
  });
  let n = 0;
  const file = async (yaml: string): Promise<string> => {
    const path = join(dir.path, `rules-${++n}.yaml`);
    await writeFile(path, yaml);
    return path;
  };
  const problemsOf = async (yaml: string): Promise<string[]> => {
    const path = await file(yaml);
    try {
      loadRulesEngine({ file: path });
    } catch (e) {
      assert.ok(e instanceof RulesFileError, String(e));
      assert.match(e.message, new RegExp(path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")));
      return e.problems;
    }
    assert.fail("the file was accepted");
  };

  test("every problem at once, each naming the rule and the field path", async () => {
    const problems = await problemsOf(`
rules:
  - id: oom-raise-limit
    description: raise harder
    priority: 200
    when: { mainFinding: [POD_OOM_KILLED] }
    then:
      kind: action
      action: increase_resources
      target: owner
      parameters: { container: "{{finding.container}}", resource: memory, limit: { factor: 8 } }
      reasoning: "{{finding.summary}}"
  - id: restart-everything
    description: unknown action, unknown code, unknown placeholder
    priority: 50
    when: { mainFinding: [POD_EXPLODED] }
    then: { kind: action, action: reboot_cluster, reasoning: "{{finding.colour}}" }
  - id: escalate-with-params
    description: parameters on an escalation, a typo'd key
    priority: 60
    whenn: {}
    then: { kind: escalate, parameters: { x: 1 }, reasoning: "{{nodes}}" }
  - id: drain-a-pod
    description: an action on a target kind it does not take
    priority: 70
    then: { kind: action, action: restart_pod, target: node, reasoning: x }
  - description: no id
    priority: 80
    then: { kind: no_action, reasoning: x }
`);
    const expect = [
      /^rule oom-raise-limit: then\.parameters\.limit\.factor: must be ≤ 4$/,
      /^rule restart-everything: when\.mainFinding\[0\]: unknown finding code "POD_EXPLODED"$/,
      /^rule restart-everything: then\.action: unknown action "reboot_cluster": not in the catalog$/,
      /^rule escalate-with-params: \(rule\): .*whenn/,
      /^rule drain-a-pod: then\.target: restart_pod does not act on a Node$/,
      /^rule #5: id: /,
    ];
    for (const re of expect)
      assert.ok(
        problems.some((p) => re.test(p)),
        `${re} not among:\n${problems.join("\n")}`,
      );
  });

  test("placeholders and parameters are checked once the shape is valid", async () => {
    const problems = await problemsOf(`
rules:
  - id: bad-texts
    description: unknown placeholders, parameters on an escalation
    priority: 60
    then: { kind: escalate, parameters: { x: 1 }, reasoning: "{{nodes}} and {{evidence.maxReplicas}}" }
`);
    assert.deepEqual(problems.sort(), [
      "rule bad-texts: then.parameters: only an action has parameters (kind is escalate)",
      "rule bad-texts: then.reasoning: unknown placeholder {{nodes}} (known: alertname, severity, summary, node, finding.code, finding.summary, finding.detail, finding.kind, finding.name, finding.namespace, finding.container, target.kind, target.name, target.namespace, target.container, owner.kind, owner.name, owner.namespace, evidence.<field>)",
    ]);
  });

  test("YAML syntax errors and unreadable files are RulesFileErrors too", async () => {
    const problems = await problemsOf("rules:\n  - id: x\n   description: [unclosed\n");
    assert.ok(problems.length > 0 && problems.every((p) => p.startsWith("YAML: ")), problems.join("\n"));
    assert.throws(
      () => loadRulesEngine({ file: join(dir.path, "missing.yaml") }),
      (e) => e instanceof RulesFileError && /cannot read/.test(e.problems[0]!),
    );
  });

  test("an operator rule overrides the shipped one by id, adds new ones, and switches others off", async () => {
    const path = await file(`
rules:
  - id: oom-raise-limit
    description: double the limit, and set the request too
    priority: 200
    when: { mainFinding: [POD_OOM_KILLED], candidateActions: [increase_resources] }
    then:
      kind: action
      action: increase_resources
      target: owner
      parameters: { container: "{{finding.container}}", resource: memory, limit: { factor: 2 }, request: { factor: 1.5 } }
      confidence: 0.9
      reasoning: "operator policy: {{finding.summary}}"
  - id: payments-never-automatic
    description: anything in the payments team's Deployments goes to a human first
    priority: 15
    when: { ownerKind: [Deployment], alertname: ["/^Payments/"] }
    then: { kind: escalate, reasoning: "payments is hands-off: {{owner.name}}" }
  - id: crash-loop-restart-once
    description: we never restart blindly
    priority: 500
    enabled: false
    then: { kind: no_action, reasoning: off }
`);
    const engine = loadRulesEngine({ file: path });
    assert.deepEqual(
      engine.rules.slice(0, 3).map((r) => r.id),
      ["suspected-compromise", "no-issue", "payments-never-automatic"],
    );
    assert.equal(engine.rules.length, defaultRules.length);
    assert.ok(!engine.rules.some((r) => r.id === "crash-loop-restart-once"));

    const oom = diagnosisWith([finding("POD_OOM_KILLED")], { candidateActions: ["increase_resources"] });
    const decision = assertAction(await engine.decide(oom, noHistory), "increase_resources");
    assert.deepEqual(decision.parameters, { container: "app", resource: "memory", limit: { factor: 2 }, request: { factor: 1.5 } });
    assert.equal(decision.confidence, 0.9);
    assert.match(decision.reasoning, /^operator policy: /);

    assertEscalate(await engine.decide(diagnosisWith([finding("POD_OOM_KILLED")], { alertname: "PaymentsLatencyHigh" }), noHistory));
    // With the restart rule off, a plain crash loop reaches the catch-all escalation.
    const crash = await engine.decide(diagnosisWith([finding("POD_CRASH_LOOP")]), noHistory);
    assert.equal(crash.ruleId, "escalate-unmatched");
  });
});
