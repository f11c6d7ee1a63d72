import assert from "node:assert/strict";
import { test } from "node:test";
import { type ActionName, assessmentPage, type EffectivenessOutcome, effectivenessSummary as summarySchema } from "@vigil/contracts";
import { effectivenessSummary, InvalidCursorError, listAssessments, verifyAudit } from "../src/index.js";
import { type HistoryDb, historyDatabase, newExecution } from "./helpers.js";

const MINUTE = 60_000;

interface Assessed {
  action?: ActionName;
  alertname?: string;
  namespace?: string | null;
  outcome: EffectivenessOutcome;
  score: number | null;
  dryRun?: boolean;
}

/** Claims an execution at the clock's time, then records its assessment as the effectiveness service would. */
async function assessed(h: HistoryDb, a: Assessed): Promise<string> {
  const namespace = a.namespace === undefined ? "shop" : a.namespace;
  const owner = namespace === null ? { kind: "Node", name: "node-1" } : { kind: "Deployment", namespace, name: "web" };
  const target = namespace === null ? owner : { ...owner, container: "app" };
  const { record } = await h.history.claim(
    newExecution({
      action: a.action ?? "increase_resources",
      alert: { alertname: a.alertname ?? "KubePodCrashLooping", fingerprint: "fp", labels: {} },
      target,
      owner,
      dryRun: a.dryRun ?? false,
    }),
    { decided: { status: a.dryRun ? "dry_run" : "succeeded", reason: "done" } },
  );
  const effectiveness = {
    outcome: a.outcome,
    score: a.score,
    components: a.score === null ? [] : [{ name: "health", weight: 1, value: a.score, explanation: "ready pods", evidence: { ready: 2 } }],
    method: a.score === null ? "immediate" : "weighted-v1",
    notes: "",
    assessedAt: h.clock.iso(5 * MINUTE),
    assessmentId: `assess-${record.executionId}`,
    alertResolved: a.score === null ? null : a.score > 0.5,
    recurrence: false,
    drift: false,
  };
  await h.history.recordEffectiveness(record.executionId, effectiveness);
  return record.executionId;
}

test("effectivenessSummary groups assessed actions by action, alertname and namespace, with outcomes and mean scores", async (t) => {
  const h = await historyDatabase(t);
  const firstAt = h.clock.iso();
  await assessed(h, { outcome: "effective", score: 0.9 });
  h.clock.advance(MINUTE);
  await assessed(h, { outcome: "partially_effective", score: 0.6 });
  h.clock.advance(MINUTE);
  await assessed(h, { outcome: "insufficient_data", score: null });
  const lastAt = h.clock.iso();
  h.clock.advance(MINUTE);
  await assessed(h, { action: "restart_pod", outcome: "ineffective", score: 0.2 });
  await assessed(h, { action: "restart_pod", namespace: "payments", outcome: "ineffective", score: 0.1 });
  await assessed(h, { action: "cordon_node", alertname: "KubeNodeNotReady", namespace: null, outcome: "effective", score: 1 });
  await assessed(h, { action: "restart_pod", outcome: "not_applicable", score: null, dryRun: true });
  // Not assessed: not counted anywhere.
  await h.history.claim(newExecution());

  const all = summarySchema.parse(await effectivenessSummary(h.db));
  assert.deepEqual(all.groupBy, ["action", "alertname", "namespace"]);
  assert.equal(all.truncated, false);
  assert.equal(all.groups.length, 4);
  const [top] = all.groups;
  assert.deepEqual(top, {
    action: "increase_resources",
    alertname: "KubePodCrashLooping",
    namespace: "shop",
    count: 3,
    scored: 2,
    meanScore: 0.75,
    outcomes: { effective: 1, partially_effective: 1, ineffective: 0, worsened: 0, insufficient_data: 1, not_applicable: 0 },
    firstAt,
    lastAt,
  });
  const node = all.groups.find((g) => g.action === "cordon_node");
  assert.equal(node?.namespace, null, "a cluster-scoped target has no namespace");

  const byAction = await effectivenessSummary(h.db, { groupBy: ["action"] });
  assert.deepEqual(
    byAction.groups.map((g) => [g.action, g.count, g.scored, g.meanScore === null ? null : Number(g.meanScore.toFixed(3))]),
    [
      ["increase_resources", 3, 2, 0.75],
      ["restart_pod", 3, 2, 0.15],
      ["cordon_node", 1, 1, 1],
    ],
  );
  assert.equal("namespace" in byAction.groups[0]!, false, "only the grouped dimensions are present");

  const dryRuns = await effectivenessSummary(h.db, { groupBy: ["action"], action: "restart_pod", namespace: "shop" });
  assert.deepEqual(dryRuns.groups[0]?.outcomes.not_applicable, 1);
  assert.equal(dryRuns.groups[0]?.count, 2);

  const overall = await effectivenessSummary(h.db, { groupBy: [] });
  assert.equal(overall.groups.length, 1);
  assert.equal(overall.groups[0]?.count, 7);

  const none = await effectivenessSummary(h.db, { groupBy: [], alertname: "NoSuchAlert" });
  assert.deepEqual(none.groups, [], "no assessment: no group, not a group of zero");

  const capped = await effectivenessSummary(h.db, { maxGroups: 2 });
  assert.equal(capped.groups.length, 2);
  assert.equal(capped.truncated, true);
});

test("effectivenessSummary and listAssessments: from is inclusive, to exclusive, on the action's time", async (t) => {
  const h = await historyDatabase(t);
  const first = await assessed(h, { outcome: "effective", score: 1 });
  h.clock.advance(10 * MINUTE);
  const from = h.clock.iso();
  const second = await assessed(h, { outcome: "ineffective", score: 0.1 });
  h.clock.advance(10 * MINUTE);
  const to = h.clock.iso();
  await assessed(h, { outcome: "worsened", score: 0 });

  const summary = await effectivenessSummary(h.db, { from, to, groupBy: ["action"] });
  assert.equal(summary.from, from);
  assert.equal(summary.to, to);
  assert.equal(summary.groups[0]?.count, 1);
  assert.equal(summary.groups[0]?.outcomes.ineffective, 1);

  const page = await listAssessments(h.db, { from, to });
  assert.deepEqual(
    page.items.map((i) => i.executionId),
    [second],
  );
  assert.deepEqual(
    (await listAssessments(h.db, { to: from })).items.map((i) => i.executionId),
    [first],
  );
  await assert.rejects(effectivenessSummary(h.db, { from: "yesterday" }), RangeError);
});

test("listAssessments: newest first, filtered by outcome, action and namespace, keyset pages that never repeat or skip", async (t) => {
  const h = await historyDatabase(t);
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    ids.push(await assessed(h, { outcome: i % 2 === 0 ? "effective" : "ineffective", score: i % 2 === 0 ? 0.9 : 0.2 }));
    h.clock.advance(MINUTE);
  }
  const other = await assessed(h, { action: "restart_pod", namespace: "payments", outcome: "effective", score: 0.8 });
  await h.history.claim(newExecution());

  const first = assessmentPage.parse(await listAssessments(h.db, { limit: 3 }));
  assert.deepEqual(
    first.items.map((i) => i.executionId),
    [other, ids[6], ids[5]],
  );
  const item = first.items[1]!;
  assert.equal(item.action, "increase_resources");
  assert.equal(item.alertname, "KubePodCrashLooping");
  assert.equal(item.namespace, "shop");
  assert.equal(item.status, "succeeded");
  assert.equal(item.dryRun, false);
  assert.equal(item.assessment.outcome, "effective");
  assert.equal(item.assessment.score, 0.9);
  assert.equal(item.assessment.components[0]?.name, "health");
  assert.deepEqual(item.assessment.components[0]?.evidence, { ready: 2 });
  assert.equal(item.assessment["assessmentId"], `assess-${item.executionId}`, "fields beyond the schema are kept");

  const seen = [...first.items.map((i) => i.executionId)];
  let cursor = first.nextCursor;
  while (cursor) {
    const page = await listAssessments(h.db, { limit: 3, cursor });
    seen.push(...page.items.map((i) => i.executionId));
    cursor = page.nextCursor;
  }
  assert.deepEqual(seen, [other, ...ids.slice().reverse()], "every assessed row once, newest first; the unassessed one never");

  assert.deepEqual(
    (await listAssessments(h.db, { outcome: "ineffective" })).items.map((i) => i.executionId),
    [ids[5], ids[3], ids[1]],
  );
  assert.deepEqual(
    (await listAssessments(h.db, { action: "restart_pod" })).items.map((i) => i.executionId),
    [other],
  );
  assert.deepEqual(
    (await listAssessments(h.db, { namespace: "payments" })).items.map((i) => i.executionId),
    [other],
  );
  assert.equal((await listAssessments(h.db, { limit: 8 })).nextCursor, null, "an exact last page has no next cursor");

  await assert.rejects(listAssessments(h.db, { cursor: "not-a-cursor" }), InvalidCursorError);
  await assert.rejects(listAssessments(h.db, { limit: 0 }), RangeError);
  await assert.rejects(listAssessments(h.db, { outcome: "great" as EffectivenessOutcome }), RangeError);
  const verdict = await verifyAudit(h.db);
  assert.equal(verdict.ok, true, verdict.problem);
});
