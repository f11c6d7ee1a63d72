// The checks that read shared state and the action history: cooldown, ineffective loops, scale flapping, the
// break-glass pause and the rate limits, over in-memory PolicyHistory / PolicyState implementations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluatePolicy } from "../src/policy/engine.js";
import { contextFor, inputFor, iso, MemoryHistory, MemoryState, MIN, planWith, T0 } from "./policy-support.js";

const web = { kind: "Deployment", namespace: "shop", name: "web" };
const pod = { kind: "Pod", namespace: "shop", name: "web-7d9f-abcde" };
const ruleIds = (matched: Array<{ ruleId: string }>) => matched.map((m) => m.ruleId);
const denials = (matched: Array<{ ruleId: string; effect: string }>) => matched.filter((m) => m.effect === "deny").map((m) => m.ruleId);

test("cooldown: the KV entry blocks with the time left; the history backs it up; an expired cooldown allows", async () => {
  const state = new MemoryState();
  const history = new MemoryHistory();
  const ctx = contextFor({ state, history });
  state.setCooldown({
    action: "rollout_restart",
    target: web,
    executionId: "exec_9",
    at: iso(T0 - 6 * MIN),
    until: iso(T0 + 4 * MIN + 10_000),
  });
  const blocked = await evaluatePolicy(inputFor("rollout_restart", web, {}), ctx);
  const reason = blocked.decision.matched.find((m) => m.ruleId === "cooldown")!.reason;
  assert.match(reason, /rollout_restart ran on Deployment shop\/web at .* \(execution exec_9\); cooling down for 4m 10s more/);

  state.setCooldown({ action: "rollout_restart", target: web, executionId: "exec_9", at: iso(T0 - 20 * MIN), until: iso(T0 - 10 * MIN) });
  assert.equal((await evaluatePolicy(inputFor("rollout_restart", web, {}), ctx)).decision.decision, "allowed");

  const other = { ...web, name: "api" };
  history.add({ action: "rollout_restart", target: other, at: iso(T0 - 3 * MIN) });
  const fromHistory = await evaluatePolicy(inputFor("rollout_restart", other, {}), ctx);
  assert.match(fromHistory.decision.matched.find((m) => m.ruleId === "cooldown")!.reason, /cooling down for 7m more/);
  history.add({ action: "rollout_restart", target: { ...web, name: "cart" }, at: iso(T0 - 3 * MIN), dryRun: true, status: "dry_run" });
  assert.equal(
    (await evaluatePolicy(inputFor("rollout_restart", { ...web, name: "cart" }, {}), ctx)).decision.decision,
    "allowed",
    "dry runs start no cooldown",
  );
});

test("oscillation: the same action 3 times in 2h without effect is blocked and escalated; one effective run clears it", async () => {
  const history = new MemoryHistory();
  const ctx = contextFor({ history, policy: "cooldowns: { default: 0s }" });
  // Pods get new names on every restart: the loop is found through their owner.
  for (const [i, name] of ["web-1", "web-2", "web-3"].entries()) {
    history.add({
      action: "restart_pod",
      target: { ...pod, name },
      owner: web,
      at: iso(T0 - (90 - i * 30) * MIN),
      effectivenessScore: i === 0 ? 0.2 : null,
    });
  }
  const input = inputFor("restart_pod", { ...pod, name: "web-4" }, {}, { extra: { owner: web } });
  const blocked = await evaluatePolicy(input, ctx);
  assert.equal(blocked.decision.decision, "denied");
  const reason = blocked.decision.matched.find((m) => m.ruleId === "oscillation.ineffective-loop")!.reason;
  assert.match(
    reason,
    /restart_pod already ran 3 times on Deployment shop\/web in the last 2h without effect \(scores: unassessed, unassessed, 0\.20/,
  );
  assert.equal(blocked.escalations.length, 1);
  assert.equal(blocked.escalations[0]!.checkId, "oscillation");
  assert.match(blocked.escalations[0]!.suggestedChange!, /KubePodCrashLooping|does not resolve/);

  history.rows[1]!.effectivenessScore = 0.8;
  assert.equal((await evaluatePolicy(input, ctx)).decision.decision, "allowed", "an effective run means it is not a loop");
  history.rows[1]!.effectivenessScore = 0.1;
  const later = contextFor({ history, now: T0 + 31 * MIN, policy: "cooldowns: { default: 0s }" });
  assert.equal((await evaluatePolicy(input, later)).decision.decision, "allowed", "the oldest run left the 2h window");
});

test("flapping: scaling one workload up, down and up again within the window is blocked and escalated", async () => {
  const history = new MemoryHistory();
  const ctx = contextFor({ history, policy: "cooldowns: { default: 0s }" });
  const plan = (from: number, to: number) =>
    planWith({ replicas: { workload: web, from, to, podSpec: { containers: [{ name: "app", image: "shop/web:1" }] } } });
  history.add({ action: "scale_deployment", target: web, at: iso(T0 - 50 * MIN), parameters: { replicas: 4 } });
  const once = await evaluatePolicy(inputFor("scale_deployment", web, { replicas: 2 }), ctx);
  assert.ok(!ruleIds(once.decision.matched).includes("oscillation.scale-flapping"), "one reversal of direction needs a history of it");
  history.add({ action: "scale_deployment", target: web, at: iso(T0 - 20 * MIN), parameters: { replicas: 2 } });
  const input = inputFor("scale_deployment", web, { replicas: 4 }, { plan: plan(2, 4) });
  const flapping = await (await import("../src/policy/checks/flapping.js")).flappingCheck.evaluate(input, ctx);
  assert.ok(flapping && "matches" in flapping);
  assert.match(flapping.matches[0]!.reason, /Deployment shop\/web is flapping: scaled 4 → 2 → 4 replicas within 2h \(1 reversal\)/);
  assert.ok(flapping.escalation);
  const steady = inputFor("scale_deployment", web, { replicas: 1 }, { plan: plan(2, 1) });
  assert.equal(
    await (await import("../src/policy/checks/flapping.js")).flappingCheck.evaluate(steady, ctx),
    undefined,
    "down, down is no flapping",
  );
});

test("pause: live actions are denied naming who paused, when and why; dry runs continue", async () => {
  const state = new MemoryState();
  state.paused = { paused: true, by: "alice", at: iso(T0 - 5 * MIN), reason: "database migration" };
  const ctx = contextFor({ state });
  const live = await evaluatePolicy(inputFor("rollout_restart", web, {}, { mode: "live" }), ctx);
  assert.equal(live.decision.decision, "denied");
  assert.match(
    live.decision.matched.find((m) => m.ruleId === "pause")!.reason,
    /paused \(break-glass\) by alice at 2026-12-01T11:55:00\.000Z \("database migration"\)/,
  );
  const dry = await evaluatePolicy(inputFor("rollout_restart", web, {}, { mode: "dry-run" }), ctx);
  assert.equal(dry.decision.decision, "allowed");
  state.paused = { paused: false, by: "alice", at: iso(T0), reason: "" };
  assert.equal((await evaluatePolicy(inputFor("rollout_restart", web, {}, { mode: "live" }), ctx)).decision.decision, "allowed");
});

test("rate limits: live actions per hour, per incident and at once; dry runs are not limited", async () => {
  const history = new MemoryHistory();
  const ctx = contextFor({ history, policy: "limits: { maxLivePerHour: 3, maxPerIncident: 2, maxConcurrent: 1 }" });
  const target = (i: number) => ({ ...web, name: `svc-${i}` });
  history.add({ action: "rollout_restart", target: target(1), at: iso(T0 - 50 * MIN), incidentId: "inc_other" });
  history.add({ action: "rollout_restart", target: target(2), at: iso(T0 - 40 * MIN), incidentId: "inc_other" });
  history.add({ action: "rollout_restart", target: target(3), at: iso(T0 - 70 * MIN), incidentId: "inc_1" });
  history.add({
    action: "rollout_restart",
    target: target(4),
    at: iso(T0 - 30 * MIN),
    incidentId: "inc_1",
    dryRun: true,
    status: "dry_run",
  });
  const fresh = inputFor("rollout_restart", target(9), {}, { extra: { incidentId: "inc_new" } });
  assert.equal((await evaluatePolicy(fresh, ctx)).decision.decision, "allowed", "2 live in the last hour, under 3");

  history.add({ action: "rollout_restart", target: target(5), at: iso(T0 - 10 * MIN), incidentId: "inc_1" });
  const perHour = await evaluatePolicy(fresh, ctx);
  assert.match(
    perHour.decision.matched.find((m) => m.ruleId === "limits.per-hour")!.reason,
    /3 live actions ran in the last hour; the policy allows 3 per hour/,
  );
  const incident = await evaluatePolicy(inputFor("rollout_restart", target(9), {}, { extra: { incidentId: "inc_1" } }), ctx);
  assert.match(
    incident.decision.matched.find((m) => m.ruleId === "limits.per-incident")!.reason,
    /incident inc_1 already had 2 live actions/,
  );
  ctx.history.runningNow = 1;
  assert.ok(denials((await evaluatePolicy(fresh, ctx)).decision.matched).includes("limits.concurrent"));
  assert.equal((await evaluatePolicy(inputFor("rollout_restart", target(9), {}, { mode: "dry-run" }), ctx)).decision.decision, "allowed");
});
