// Effectiveness history breaks loops: aggregates written to a real NATS KV bucket (vigil_effectiveness, as the
// effectiveness service keeps them) and read through the toolbox's KV-backed EffectivenessHistory.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Bus, type TypedKv } from "@vigil/bus";
import { kvBuckets, resourceKey, type EffectivenessAggregateValue } from "@vigil/contracts";
import { startNats, type NatsServerHandle } from "@vigil/testing";
import { kvEffectivenessHistory, type EffectivenessHistory } from "@vigil/toolbox";
import { pino } from "pino";
import { loadRulesEngine, recentFailure } from "../src/index.js";
import { OWNER, aggregate, assertAction, assertEscalate, assertPublishable, diagnosisWith, finding } from "./rules-fixtures.js";

const engine = loadRulesEngine();
const oom = diagnosisWith([finding("POD_OOM_KILLED")], { candidateActions: ["increase_resources"] });
const crash = diagnosisWith([finding("POD_CRASH_LOOP")]);
const NOW = oom.analyzedAt;
const ownerKey = resourceKey(OWNER);

describe("rules and effectiveness history in NATS KV", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  let kv: TypedKv<typeof kvBuckets.effectiveness>;
  let history: EffectivenessHistory;

  before(async () => {
    nats = await startNats();
    bus = await Bus.connect({ servers: nats.url, name: "rules-history-test", log: pino({ level: "silent" }) });
    kv = await bus.kv(kvBuckets.effectiveness);
    history = kvEffectivenessHistory(kv);
  });
  after(async () => {
    await bus.drain();
    await nats.stop();
  });

  const put = (scope: "owner" | "alertname", subject: string, value: EffectivenessAggregateValue) =>
    kv.put(kv.key(scope, subject, value.action), value);
  const clear = async () => {
    for (const key of await kv.keys()) await kv.delete(key);
  };

  test("an empty history proposes the rule's action", async () => {
    await clear();
    assertAction(await engine.decide(oom, history), "increase_resources", OWNER);
    assertAction(await engine.decide(crash, history), "restart_pod");
  });

  test("restart once: after a restart_pod ran on this owner, collect diagnostics and escalate", async () => {
    await clear();
    await put("owner", ownerKey, aggregate("restart_pod", NOW, [{ outcome: "partially_effective", score: 0.6, minutesAgo: 30 }]));
    const decision = assertEscalate(await engine.decide(crash, history), "collect_diagnostics");
    assert.equal(decision.ruleId, "crash-loop-restart-once");
    assert.match(decision.reasons[0]!, /restart_pod was already tried on Deployment\/shop\/cart: partially_effective .*exec_1/);
    assertPublishable(crash, decision);
    // A restart that never ran (rejected, dry run) does not count as tried.
    await put("owner", ownerKey, aggregate("restart_pod", NOW, [{ outcome: "not_applicable", score: null, minutesAgo: 5 }]));
    assertAction(await engine.decide(crash, history), "restart_pod");
  });

  test("a fix whose last outcome here was ineffective is not proposed again: escalate naming the attempt", async () => {
    await clear();
    await put(
      "owner",
      ownerKey,
      aggregate("increase_resources", NOW, [
        { outcome: "ineffective", score: 0.2, minutesAgo: 40 },
        { outcome: "effective", score: 0.9, minutesAgo: 600 },
      ]),
    );
    const decision = assertEscalate(await engine.decide(oom, history), "collect_diagnostics");
    assert.equal(decision.ruleId, "oom-raise-limit");
    assert.match(
      decision.reasons.join(" "),
      /increase_resources did not help Deployment\/shop\/cart recently: its last outcome was ineffective \(score 0\.20\).*exec_1/,
    );
    assert.match(decision.reasons.join(" "), /loop is broken/);
    assertPublishable(oom, decision);
    assert.match((await recentFailure(history, oom, "increase_resources")) ?? "", /ineffective/);
    assert.equal(await recentFailure(history, oom, "restart_pod"), undefined);
  });

  test("outcomes older than the window, or a last outcome that helped, do not block", async () => {
    await clear();
    await put("owner", ownerKey, aggregate("increase_resources", NOW, [{ outcome: "worsened", score: 0, minutesAgo: 25 * 60 }]));
    assertAction(await engine.decide(oom, history), "increase_resources");
    await put(
      "owner",
      ownerKey,
      aggregate("increase_resources", NOW, [
        { outcome: "effective", score: 0.9, minutesAgo: 10 },
        { outcome: "ineffective", score: 0.3, minutesAgo: 100 },
      ]),
    );
    assertAction(await engine.decide(oom, history), "increase_resources");
  });

  test("for the alertname across owners, a mean below 0.5 blocks only over 3 or more scored outcomes", async () => {
    await clear();
    const low = (n: number) =>
      aggregate(
        "increase_resources",
        NOW,
        Array.from({ length: n }, (_, i) => ({ outcome: "partially_effective" as const, score: 0.3, minutesAgo: 10 + i })),
      );
    await put("alertname", oom.alertname, low(2));
    assertAction(await engine.decide(oom, history), "increase_resources");
    await put("alertname", oom.alertname, low(3));
    const decision = assertEscalate(await engine.decide(oom, history));
    assert.match(decision.reasons[0]!, /does not help KubePodCrashLooping alerts: its mean score over 3 recent outcomes is 0\.30/);
  });

  test("an unreadable history fails closed: escalate, suggesting the action", async () => {
    const broken: EffectivenessHistory = {
      get: async () => {
        throw new Error("KV unavailable");
      },
    };
    const decision = assertEscalate(await engine.decide(oom, broken), "increase_resources");
    assert.match(decision.reasons[0]!, /history unavailable \(KV unavailable\)/);
  });
});
