// The words the demo prints: one line per stage, the summary row of a scenario and the table, the effect read back
// from the simulator, and the command line.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AssessmentMessage, DiagnosisMessage, ExecutionMessage, ProposalMessage } from "@vigil/contracts";
import {
  demoScenario,
  describeEvent,
  formatLine,
  parametersText,
  parseCli,
  readPath,
  renderSummary,
  type ScenarioRecord,
  summaryRow,
  UsageError,
} from "../src/index.js";

const owner = { kind: "Deployment", name: "payments-api", namespace: "shop" };
const diagnosis = {
  id: "diag_1",
  outcome: "issue_found",
  summary: "Container api is OOMKilled",
  findings: [{ code: "POD_OOM_KILLED", summary: "Container api of pod shop/payments-api-x is OOMKilled at its 256Mi memory limit" }],
} as unknown as DiagnosisMessage;
const proposal = {
  id: "prop_1",
  kind: "action",
  action: "increase_resources",
  target: owner,
  parameters: { container: "api", resource: "memory", limit: { factor: 1.5 } },
  source: "rules",
  ruleId: "oom-raise-limit",
  confidence: 0.8,
} as unknown as ProposalMessage;
const execution = {
  executionId: "exec_1",
  action: "increase_resources",
  status: "succeeded",
  dryRun: false,
  target: owner,
  owner,
  reason: "raise the memory of container api: limit 256Mi → 512Mi",
  finishedAt: "2026-12-08T01:00:00.000Z",
  policy: { approval: { state: "not_required" } },
} as unknown as ExecutionMessage;
const assessment = {
  id: "assess_1",
  action: "increase_resources",
  outcome: "effective",
  score: 0.93,
  notes: "",
  components: [
    { name: "health", value: 1 },
    { name: "kernel", value: null },
  ],
} as unknown as AssessmentMessage;

const oomRecord = (a: AssessmentMessage): ScenarioRecord => ({
  scenario: "oom-crashloop",
  rounds: [
    {
      correlationId: "inc_1",
      alert: { labels: { alertname: "KubePodCrashLooping" }, annotations: {} },
      firedAt: "2026-12-08T00:55:00.000Z",
      sentAtMs: 0,
      diagnosis,
      proposal,
      execution,
      assessment: a,
    },
  ],
  effect: "limits.memory 256Mi → 512Mi; 2/2 pods ready",
  wallMs: 4_730,
  clusterMs: 480_000,
});

test("stage lines: what each service concluded, in one line with the time since the alert", () => {
  assert.deepEqual(describeEvent({ stage: "analyzer", message: diagnosis }), {
    mark: "ok",
    who: "analyzer",
    text: "POD_OOM_KILLED: Container api of pod shop/payments-api-x is OOMKilled at its 256Mi memory limit",
  });
  assert.equal(
    describeEvent({ stage: "investigator", message: proposal }).text,
    "increase_resources on Deployment shop/payments-api (container=api resource=memory limit.factor=1.5), rules oom-raise-limit, confidence 0.80",
  );
  assert.equal(
    describeEvent({ stage: "effectiveness", message: assessment }).text,
    "increase_resources effective, score 0.93 (health 1.00)",
  );
  const line = formatLine("oom-crashloop", describeEvent({ stage: "executor", message: execution }), 410, { colour: false, width: 0 });
  assert.equal(
    line,
    "oom-crashloop          ✓ executor      increase_resources succeeded: raise the memory of container api: limit 256Mi → 512Mi  +0.41 s",
  );
  const cut = formatLine("oom-crashloop", describeEvent({ stage: "executor", message: execution }), 410, { colour: false, width: 80 });
  assert.equal(cut.length, 80);
  assert.match(cut, /… {2}\+0\.41 s$/);
  assert.equal(parametersText({ a: { b: 1, c: [1, 2] }, d: "x" }), "a.b=1 a.c=1,2 d=x");
});

test("a summary row: diagnosis, action, approval, effect, score and time; and whether the expected end was reached", () => {
  const scenario = demoScenario("oom-crashloop");
  const row = summaryRow(scenario, oomRecord(assessment));
  assert.equal(row.diagnosis, "POD_OOM_KILLED");
  assert.equal(row.action, "increase_resources");
  assert.equal(row.approval, "not required");
  assert.equal(row.score, "effective 0.93");
  assert.equal(row.seconds, 4.7);
  assert.equal(row.clusterTime, "8m");
  assert.equal(row.ok, true);
  assert.deepEqual(row.incidents, [
    {
      correlationId: "inc_1",
      alert: "KubePodCrashLooping",
      diagnosis: { id: "diag_1", outcome: "issue_found", finding: "POD_OOM_KILLED" },
      proposal: { id: "prop_1", kind: "action", action: "increase_resources" },
      execution: { id: "exec_1", action: "increase_resources", status: "succeeded", approval: "not_required", reason: execution.reason },
      assessment: { id: "assess_1", outcome: "effective", score: 0.93 },
    },
  ]);

  const bad = summaryRow(scenario, oomRecord({ ...assessment, outcome: "ineffective", score: 0.22, notes: "0 of 2 pods ready" }));
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.problems, ["increase_resources was assessed ineffective (score 0.22): 0 of 2 pods ready"]);
  const table = renderSummary([row, bad]);
  const lines = table.split("\n");
  assert.match(lines[0]!, /^scenario\s+diagnosis\s+action\s+approval\s+effect\s+score\s+time$/);
  assert.match(
    lines[2]!,
    /^✓ oom-crashloop\s+POD_OOM_KILLED\s+increase_resources\s+not required\s+limits\.memory 256Mi → 512Mi; 2\/2 pods ready\s+effective 0\.93\s+4\.7 s \(\+8m\)$/,
  );
  assert.match(lines[3]!, /^✗ oom-crashloop .* ineffective 0\.22/);
  assert.equal(
    lines.at(-1),
    "✗ oom-crashloop: expected increase_resources executed and assessed effective; increase_resources was assessed ineffective (score 0.22): 0 of 2 pods ready",
  );
  // A narrow terminal: the shrinkable columns give way, every line fits.
  for (const l of renderSummary([row], 130).split("\n").slice(0, 3)) assert.ok(l.length <= 130, `${l.length}: ${l}`);
});

test("no_action scenario: nothing executed is its expected end", () => {
  const row = summaryRow(demoScenario("healthy"), {
    scenario: "healthy",
    rounds: [
      {
        correlationId: "inc_2",
        alert: { labels: { alertname: "KubePodNotReady" }, annotations: {} },
        firedAt: "2026-12-08T00:55:00.000Z",
        sentAtMs: 0,
        diagnosis: { ...diagnosis, outcome: "no_issue_found", findings: [] } as unknown as DiagnosisMessage,
        proposal: { kind: "no_action", reasons: ["nothing wrong"] } as unknown as ProposalMessage,
      },
    ],
    wallMs: 100,
    clusterMs: 0,
  });
  assert.equal(row.diagnosis, "no_issue_found");
  assert.equal(row.action, "none (no_action)");
  assert.equal(row.approval, "—");
  assert.equal(row.ok, true);
});

test("the effect is read from the live object at the executor's recorded paths", () => {
  const deployment = {
    spec: { template: { spec: { containers: [{ name: "api", resources: { limits: { memory: "512Mi" } } }] } } },
    metadata: { annotations: { "a.io/x": "1" } },
  };
  assert.equal(readPath(deployment, "spec.template.spec.containers[api].resources.limits.memory"), "512Mi");
  assert.equal(readPath(deployment, "spec.template.spec.containers[0].resources.limits.memory"), "512Mi");
  assert.equal(readPath(deployment, "metadata.annotations[a.io/x]"), "1");
  assert.equal(readPath(deployment, "spec.replicas"), undefined);
});

test("the command line: scenarios in order, approvals, JSON; mistakes are usage errors", () => {
  assert.deepEqual(parseCli(["--scenarios", "healthy,oom-crashloop", "--json", "--require-approval", "rollback_deployment"]), {
    scenarios: ["healthy", "oom-crashloop"],
    requireApproval: ["rollback_deployment"],
    json: true,
    build: true,
    help: false,
  });
  assert.equal(parseCli([]).scenarios[0], "oom-crashloop");
  assert.throws(
    () => parseCli(["--scenarios", "nope"]),
    (e: Error) => e instanceof UsageError && /unknown scenario\(s\) nope: choose among/.test(e.message),
  );
  assert.throws(() => parseCli(["--bogus"]), UsageError);
  assert.throws(() => parseCli(["--scenarios", "healthy,healthy"]), UsageError);
});
