// Approval: the catalog's and the policy's requirements, the two-person rule, earned autonomy.
import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluatePolicy } from "../src/policy/engine.js";
import { contextFor, inputFor, MemoryState } from "./policy-support.js";

const web = { kind: "Deployment", namespace: "shop", name: "web" };
const ruleIds = (matched: Array<{ ruleId: string }>) => matched.map((m) => m.ruleId);

test("approval: high risk and policy requirements, the two-person rule, earned autonomy where allowed", async () => {
  const node = { kind: "Node", name: "worker-1" };
  const state = new MemoryState();
  const ctx = contextFor({ state });
  const drain = await evaluatePolicy(inputFor("drain_node", node, {}), ctx);
  assert.equal(drain.decision.decision, "requires_approval");
  assert.equal(drain.approvalsRequired, 1);
  assert.deepEqual(drain.decision.approval, { state: "pending", required: 1, approvers: [] });
  assert.deepEqual(
    ruleIds(drain.decision.matched).filter((id) => id.startsWith("approval")),
    ["approval.catalog", "approval.risk"],
  );

  const twoPerson = contextFor({ state, policy: "approval: { twoPersonForHighRisk: true }" });
  const two = await evaluatePolicy(inputFor("drain_node", node, {}), twoPerson);
  assert.equal(two.approvalsRequired, 2);
  assert.equal(two.decision.approval.required, 2);
  assert.ok(ruleIds(two.decision.matched).includes("approval.two-person"));
  const medium = await evaluatePolicy(inputFor("rollout_restart", web, {}), twoPerson);
  assert.equal(medium.approvalsRequired, 0);

  // Earned autonomy lifts the approval of an action that may earn it...
  const db = { kind: "StatefulSet", namespace: "shop", name: "db" };
  assert.equal((await evaluatePolicy(inputFor("scale_statefulset", db, { replicas: 3 }), ctx)).decision.decision, "requires_approval");
  state.earn("scale_statefulset", "KubePodCrashLooping", "default");
  const earned = await evaluatePolicy(inputFor("scale_statefulset", db, { replicas: 3 }), ctx);
  assert.equal(earned.decision.decision, "allowed");
  assert.equal(earned.decision.autonomyEarned, true);
  assert.equal(earned.approvalsRequired, 0);
  assert.match(
    earned.decision.matched.find((m) => m.ruleId === "approval.autonomy-earned")!.reason,
    /earned autonomy for KubePodCrashLooping in default namespaces/,
  );
  // ...per namespace class, never for the actions that always need a human, and not when the policy says no.
  const prod = await evaluatePolicy(inputFor("scale_statefulset", { ...db, namespace: "prod-eu" }, { replicas: 3 }, { extra: {} }), ctx);
  assert.equal(prod.decision.decision, "requires_approval", "autonomy was earned in the default class, not prod");
  state.earn("drain_node", "KubePodCrashLooping", "default");
  assert.equal((await evaluatePolicy(inputFor("drain_node", node, {}), ctx)).decision.decision, "requires_approval");
  const noAutonomy = contextFor({ state, policy: "approval: { autonomy: { earned: false } }" });
  assert.equal(
    (await evaluatePolicy(inputFor("scale_statefulset", db, { replicas: 3 }), noAutonomy)).decision.decision,
    "requires_approval",
  );

  const byClass = contextFor({ policy: "approval: { requiredFor: { namespaceClasses: [prod], riskAtLeast: none } }" });
  const prodRestart = await evaluatePolicy(inputFor("rollout_restart", { ...web, namespace: "prod-eu" }, {}), byClass);
  assert.equal(prodRestart.decision.decision, "requires_approval");
  assert.ok(ruleIds(prodRestart.decision.matched).includes("approval.namespace-class"));
});
