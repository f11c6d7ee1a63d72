// Each shipped rule alone (decideWithRule) on a hand-built diagnosis: where it decides, what, and where it
// must pass to the next rule. The decisions are valid proposals once wrapped.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findingCodes } from "@vigil/contracts";
import { decideWithRule, defaultRules, loadRulesEngine } from "../src/index.js";
import {
  OWNER,
  POD,
  assertAction,
  assertEscalate,
  assertPublishable,
  diagnosisWith,
  finding,
  noHistory,
  shipped,
} from "./rules-fixtures.js";

const NODE = { kind: "Node", name: "worker-2" };
const rollouts = (a: string, b: string) => [
  { revision: 2, at: "2026-11-22T04:50:00.000Z", images: [a] },
  { revision: 1, at: "2026-11-22T04:00:00.000Z", images: [b] },
];

describe("shipped rules, one at a time", () => {
  test("no-issue: no_issue_found (a healthy target, Watchdog) is no_action, and it ignores issues", async () => {
    const d = diagnosisWith([], { alertname: "Watchdog", summary: "Watchdog fires by design: the alerting pipeline works" });
    const decision = await decideWithRule(shipped("no-issue"), d, noHistory);
    assert.equal(decision?.kind, "no_action");
    assert.equal(decision.ruleId, "no-issue");
    assert.match(decision.reasoning, /alerting pipeline works/);
    assertPublishable(d, decision);
    assert.equal(await decideWithRule(shipped("no-issue"), diagnosisWith([finding("POD_CRASH_LOOP")]), noHistory), undefined);
  });

  test("target-gone: target_not_found is no_action", async () => {
    const d = diagnosisWith([], { outcome: "target_not_found", summary: "Pod shop/cart-1 does not exist" });
    const decision = await decideWithRule(shipped("target-gone"), d, noHistory);
    assert.equal(decision?.kind, "no_action");
    assertPublishable(d, decision);
  });

  test("suspected-compromise: a Falco alert on a pod quarantines it (the catalog makes it wait for approval)", async () => {
    const d = diagnosisWith([finding("POD_NON_ZERO_EXIT")], { alertname: "FalcoReverseShell" });
    const decision = assertAction(await decideWithRule(shipped("suspected-compromise"), d, noHistory), "quarantine_pod", {
      kind: "Pod",
      name: "cart-1",
      namespace: "shop",
    });
    assert.equal(decision.risk, "high");
    assertPublishable(d, decision);
    assert.equal(await decideWithRule(shipped("suspected-compromise"), diagnosisWith([finding("POD_CRASH_LOOP")]), noHistory), undefined);
    // Before no-issue: a compromised pod usually looks healthy to the analysis.
    const healthy = diagnosisWith([], { alertname: "FalcoCryptoMiner", target: POD });
    assertAction(await loadRulesEngine().decide(healthy, noHistory), "quarantine_pod");
  });

  test("node-cordon: NotReady or pressure cordons the node; drain is named as the separate, gated step", async () => {
    for (const code of ["NODE_NOT_READY", "NODE_DISK_PRESSURE", "NODE_MEMORY_PRESSURE", "KERNEL_NODE_OOM"] as const) {
      const d = diagnosisWith([finding(code, NODE)], { target: NODE, owner: NODE, ownerChain: [] });
      const decision = assertAction(await decideWithRule(shipped("node-cordon"), d, noHistory), "cordon_node", NODE);
      assert.deepEqual(decision.parameters, {});
      assert.ok(decision.alternatives.some((a) => a.action === "drain_node" && /approval/.test(a.whyNot)));
      assertPublishable(d, decision);
    }
    // Already cordoned: not this rule.
    const cordoned = diagnosisWith([finding("NODE_NOT_READY", NODE), finding("NODE_UNSCHEDULABLE", NODE)], { target: NODE, owner: NODE });
    assert.equal(await decideWithRule(shipped("node-cordon"), cordoned, noHistory), undefined);
  });

  test("node-drain-after-cordon: a cordoned NotReady node gets drain_node, high risk (approval-gated in the catalog)", async () => {
    const d = diagnosisWith([finding("NODE_NOT_READY", NODE), finding("NODE_UNSCHEDULABLE", NODE)], { target: NODE, owner: NODE });
    const decision = assertAction(await decideWithRule(shipped("node-drain-after-cordon"), d, noHistory), "drain_node", NODE);
    assert.equal(decision.risk, "high");
    assertPublishable(d, decision);
  });

  test("oom-raise-limit: OOMKilled with a limit raises that container's memory limit on the owner by 2x (the most one change may take)", async () => {
    const d = diagnosisWith([finding("POD_OOM_KILLED")], { candidateActions: ["increase_resources", "collect_diagnostics"] });
    const decision = assertAction(await decideWithRule(shipped("oom-raise-limit"), d, noHistory), "increase_resources", OWNER);
    assert.deepEqual(decision.parameters, { container: "app", resource: "memory", limit: { factor: 2 } });
    assert.equal(decision.risk, "medium");
    assertPublishable(d, decision);
    // No limit (the analyzer offers no increase_resources), or no container named: not this rule.
    assert.equal(await decideWithRule(shipped("oom-raise-limit"), diagnosisWith([finding("POD_OOM_KILLED")]), noHistory), undefined);
    const noContainer = diagnosisWith([finding("POD_OOM_KILLED", { kind: "Pod", name: "cart-1", namespace: "shop" })], {
      candidateActions: ["increase_resources"],
    });
    assert.equal(await decideWithRule(shipped("oom-raise-limit"), noContainer, noHistory), undefined);
    // A bare pod's owner is the pod: increase_resources cannot act on it.
    const bare = diagnosisWith([finding("POD_OOM_KILLED")], { candidateActions: ["increase_resources"], owner: POD });
    assert.equal(await decideWithRule(shipped("oom-raise-limit"), bare, noHistory), undefined);
  });

  test("image-pull-after-image-change rolls back; image-pull-escalate otherwise", async () => {
    const changed = diagnosisWith([finding("POD_IMAGE_PULL_FAILED"), finding("WORKLOAD_RECENT_ROLLOUT", OWNER)], {
      context: { recentEvents: [], rollouts: rollouts("shop/cart:2.0.0-typo", "shop/cart:1.9.0") },
    });
    const decision = assertAction(
      await decideWithRule(shipped("image-pull-after-image-change"), changed, noHistory),
      "rollback_deployment",
      OWNER,
    );
    assertPublishable(changed, decision);
    const sameImage = diagnosisWith([finding("POD_IMAGE_PULL_FAILED"), finding("WORKLOAD_RECENT_ROLLOUT", OWNER)], {
      context: { recentEvents: [], rollouts: rollouts("shop/cart:1.9.0", "shop/cart:1.9.0") },
    });
    assert.equal(await decideWithRule(shipped("image-pull-after-image-change"), sameImage, noHistory), undefined);
    const escalated = assertEscalate(await decideWithRule(shipped("image-pull-escalate"), sameImage, noHistory));
    assert.match(escalated.reasons.join(" "), /registry/);
  });

  test("rollout-rollback: crash loop or failing probes after a rollout rolls the Deployment back", async () => {
    for (const code of ["POD_CRASH_LOOP", "POD_READINESS_PROBE_FAILING", "DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED"] as const) {
      const d = diagnosisWith([finding(code), finding("WORKLOAD_RECENT_ROLLOUT", OWNER)]);
      assertPublishable(d, assertAction(await decideWithRule(shipped("rollout-rollback"), d, noHistory), "rollback_deployment", OWNER));
    }
    assert.equal(await decideWithRule(shipped("rollout-rollback"), diagnosisWith([finding("POD_CRASH_LOOP")]), noHistory), undefined);
  });

  test("crash-loop-restart-once: restarts the pod (history-aware: see rules-history)", async () => {
    const d = diagnosisWith([finding("POD_CRASH_LOOP")]);
    const decision = assertAction(await decideWithRule(shipped("crash-loop-restart-once"), d, noHistory), "restart_pod", {
      kind: "Pod",
      name: "cart-1",
      namespace: "shop",
    });
    assert.equal(decision.risk, "low");
    assertPublishable(d, decision);
  });

  test("pending-insufficient-resources escalates with the scheduler's explanation", async () => {
    const f = {
      ...finding("POD_UNSCHEDULABLE", { kind: "Pod", name: "reporting-1", namespace: "data" }),
      summary: "Pod data/reporting-1 is unschedulable: 0/3 nodes are available: 3 Insufficient memory",
      detail: "PodScheduled=False, reason Unschedulable. The scheduler said: 0/3 nodes are available: 3 Insufficient memory.",
    };
    const d = diagnosisWith([f], { candidateActions: ["escalate", "collect_diagnostics"] });
    const decision = assertEscalate(await decideWithRule(shipped("pending-insufficient-resources"), d, noHistory), "collect_diagnostics");
    assert.ok(decision.reasons.some((r) => r.includes("3 Insufficient memory")));
    assertPublishable(d, decision);
  });

  test("pvc-expand when the StorageClass allows it; pvc-full-escalate otherwise", async () => {
    const pvc = { kind: "PersistentVolumeClaim", name: "data-postgres-0", namespace: "db" };
    const expandable = diagnosisWith([finding("PVC_NEARLY_FULL", pvc, { allowVolumeExpansion: true })], {
      candidateActions: ["expand_pvc"],
    });
    const decision = assertAction(await decideWithRule(shipped("pvc-expand"), expandable, noHistory), "expand_pvc", pvc);
    assert.deepEqual(decision.parameters, { factor: 1.5 });
    assertPublishable(expandable, decision);
    const fixed = diagnosisWith([finding("PVC_FULL", pvc, { allowVolumeExpansion: false })], { candidateActions: ["escalate"] });
    assert.equal(await decideWithRule(shipped("pvc-expand"), fixed, noHistory), undefined);
    assertEscalate(await decideWithRule(shipped("pvc-full-escalate"), fixed, noHistory));
  });

  test("hpa-raise-max: maxReplicas by half, at least +1, at most +10, never above 100", async () => {
    const hpa = { kind: "HorizontalPodAutoscaler", name: "search", namespace: "shop" };
    const at = async (max: number) => {
      const d = diagnosisWith([finding("HPA_AT_MAX_REPLICAS", hpa, { maxReplicas: max, currentReplicas: max })], {
        candidateActions: ["update_hpa"],
      });
      const decision = assertAction(await decideWithRule(shipped("hpa-raise-max"), d, noHistory), "update_hpa", hpa);
      assertPublishable(d, decision);
      return decision.parameters.maxReplicas;
    };
    assert.equal(await at(4), 6);
    assert.equal(await at(1), 2);
    assert.equal(await at(40), 50);
    assert.equal(await at(95), 100);
  });

  test("escalate-unmatched: any other issue escalates, suggesting the analysis' best fix", async () => {
    const d = diagnosisWith([finding("SERVICE_SELECTOR_MATCHES_NOTHING", { kind: "Service", name: "web", namespace: "shop" })], {
      candidateActions: ["escalate", "scale_deployment"],
    });
    const decision = assertEscalate(await decideWithRule(shipped("escalate-unmatched"), d, noHistory), "scale_deployment");
    assertPublishable(d, decision);
  });

  test("every finding code, as the main finding, gets a valid decision from the whole engine", async () => {
    const engine = loadRulesEngine();
    for (const code of findingCodes) {
      const resource = code.startsWith("NODE_") || code === "KERNEL_NODE_OOM" ? NODE : POD;
      const d = diagnosisWith([finding(code, resource)]);
      const decision = await engine.decide(d, noHistory);
      assert.notEqual(decision.kind, "no_action", `${code}: an issue is never no_action`);
      assertPublishable(d, decision);
    }
    assert.deepEqual(
      defaultRules.map((r) => r.priority),
      [...defaultRules.map((r) => r.priority)].sort((a, b) => a - b),
    );
  });
});
