// The checks that judge the proposal and the policy file alone (rules, catalog, target kind, protected
// namespaces, confidence, bounds), and the engine itself: through evaluatePolicy, or alone where the input
// needs a hand-built plan.
import assert from "node:assert/strict";
import { test } from "node:test";
import { policyDecision } from "@vigil/contracts";
import { boundsCheck } from "../src/policy/checks/bounds.js";
import { evaluatePolicy } from "../src/policy/engine.js";
import { definePolicyCheck } from "../src/policy/policy-check.js";
import { parsePolicy } from "../src/policy/policy-file.js";
import { contextFor, inputFor, planWith } from "./policy-support.js";

const web = { kind: "Deployment", namespace: "shop", name: "web" };
const pod = { kind: "Pod", namespace: "shop", name: "web-7d9f-abcde" };
const ruleIds = (matched: Array<{ ruleId: string }>) => matched.map((m) => m.ruleId);
const denials = (matched: Array<{ ruleId: string; effect: string }>) => matched.filter((m) => m.effect === "deny").map((m) => m.ruleId);

test("rules: deny by default, a deny rule wins over an allow rule, the allowing rule is recorded", async () => {
  const ctx = contextFor({
    policy: `
rules:
  - { id: restarts, effect: allow, actions: [restart_pod, rollout_restart] }
  - { id: no-restarts-in-payments, effect: deny, actions: ["*"], namespaces: [payments] }
  - { id: deployments-only, effect: allow, actions: [pause_rollout], kinds: [Deployment] }
`,
  });
  const allowed = await evaluatePolicy(inputFor("restart_pod", pod, {}), ctx);
  assert.equal(allowed.decision.decision, "allowed");
  assert.deepEqual(ruleIds(allowed.decision.matched), ["rules.restarts"]);
  assert.doesNotThrow(() => policyDecision.parse(allowed.decision));

  const unknown = await evaluatePolicy(inputFor("suspend_cronjob", { kind: "CronJob", namespace: "shop", name: "report" }, {}), ctx);
  assert.equal(unknown.decision.decision, "denied");
  assert.match(unknown.decision.matched[0]!.reason, /no policy rule allows suspend_cronjob on CronJob shop\/report \(deny by default\)/);

  const payments = await evaluatePolicy(inputFor("restart_pod", { ...pod, namespace: "payments" }, {}), ctx);
  assert.deepEqual(denials(payments.decision.matched), ["rules.no-restarts-in-payments"]);
  // A Namespace target is its own namespace for the rules.
  const cleanup = contextFor({ policy: "rules: [{ id: cleanup, effect: allow, actions: [cleanup_failed_pods], namespaces: [shop] }]" });
  assert.equal(
    (await evaluatePolicy(inputFor("cleanup_failed_pods", { kind: "Namespace", name: "shop" }, {}), cleanup)).decision.decision,
    "allowed",
  );
  assert.equal(
    (await evaluatePolicy(inputFor("cleanup_failed_pods", { kind: "Namespace", name: "payments" }, {}), cleanup)).decision.decision,
    "denied",
  );
});

test("catalog and target kind: parameters are validated again, a wrong kind is denied", async () => {
  const ctx = contextFor();
  const input = inputFor("scale_deployment", web, { replicas: 3 });
  input.proposal = { ...input.proposal, parameters: { replicas: 0, factor: 2 } };
  const bad = await evaluatePolicy(input, ctx);
  const reason = bad.decision.matched.find((m) => m.ruleId === "catalog.parameters")?.reason ?? "";
  assert.match(reason, /parameters\.replicas/);
  assert.match(reason, /parameters\.factor: is not a parameter of scale_deployment/);

  const wrongKind = inputFor("scale_deployment", web, { replicas: 3 });
  wrongKind.proposal = { ...wrongKind.proposal, target: { kind: "StatefulSet", namespace: "shop", name: "db" } };
  const denied = await evaluatePolicy(wrongKind, ctx);
  assert.match(denied.decision.matched.find((m) => m.ruleId === "target-kind")!.reason, /acts on Deployment, not on StatefulSet shop\/db/);
});

test("protected namespaces: never mutated, the target's or one the plan touches; the restart_network exception needs approval", async () => {
  const ctx = contextFor();
  const inKubeSystem = await evaluatePolicy(inputFor("restart_pod", { ...pod, namespace: "kube-system" }, {}), ctx);
  assert.equal(inKubeSystem.decision.decision, "denied");
  assert.match(
    inKubeSystem.decision.matched.find((m) => m.ruleId === "protected-namespaces")!.reason,
    /in protected namespace "kube-system"/,
  );

  const touchesVigil = inputFor("restart_pod", pod, {}, { plan: planWith({ namespaces: ["vigil"] }) });
  const denied = await evaluatePolicy(touchesVigil, ctx);
  assert.match(denied.decision.matched.find((m) => m.ruleId === "protected-namespaces")!.reason, /the change touches namespace "vigil"/);

  const dns = { kind: "Deployment", namespace: "kube-system", name: "coredns" };
  const network = await evaluatePolicy(inputFor("restart_network", dns, { component: "dns" }), ctx);
  assert.equal(network.decision.decision, "requires_approval");
  assert.ok(ruleIds(network.decision.matched).includes("protected-namespaces.exception"));
  assert.equal(network.decision.approval.state, "pending");

  const notify = await evaluatePolicy(inputFor("notify_only", dns, { message: "CoreDNS is down" }), ctx);
  assert.equal(notify.decision.decision, "allowed", "read-only actions may concern a protected namespace");
});

test("confidence: below the minimum for the action's risk is denied, and escalated to a human", async () => {
  const ctx = contextFor();
  const low = await evaluatePolicy(inputFor("rollout_restart", web, {}, { extra: { confidence: 0.55 } }), ctx);
  assert.match(
    low.decision.matched.find((m) => m.ruleId === "confidence.low")!.reason,
    /confidence 0\.55 is below the policy's minimum of 0\.6 for low-risk actions/,
  );
  assert.deepEqual(
    low.escalations.map((e) => e.checkId),
    ["confidence"],
  );
  assert.match(low.escalations[0]!.reason, /^rollout_restart was proposed but not run: confidence 0\.55/);
  const ok = await evaluatePolicy(inputFor("rollout_restart", web, {}, { extra: { confidence: 0.61 } }), ctx);
  assert.equal(ok.decision.decision, "allowed");
  assert.deepEqual(ok.escalations, []);
  const medium = await evaluatePolicy(
    inputFor(
      "update_hpa",
      { kind: "HorizontalPodAutoscaler", namespace: "shop", name: "web" },
      { maxReplicas: 8 },
      { extra: { confidence: 0.7 } },
    ),
    ctx,
  );
  assert.deepEqual(denials(medium.decision.matched), ["confidence.medium"]);
});

test("bounds: replicas, step, memory and CPU limits, factor per change, evictions per action", async () => {
  const ctx = contextFor({
    policy:
      "bounds: { maxReplicas: 10, maxReplicaStep: 3, maxMemoryLimit: 2Gi, maxCpuLimit: '2', maxResourceFactor: 2, maxEvictionsPerAction: 2 }",
  });
  const spec = (memory: string, cpu: string) => ({
    containers: [{ name: "app", image: "shop/web:1", resources: { limits: { memory, cpu }, requests: { memory, cpu } } }],
  });
  const scale = (from: number, to: number) =>
    boundsCheck.evaluate(
      inputFor(
        "scale_deployment",
        web,
        { replicas: to },
        { plan: planWith({ replicas: { workload: web, from, to, podSpec: spec("1Gi", "1") } }) },
      ),
      ctx,
    );
  assert.deepEqual(await scale(2, 4), []);
  const tooMany = (await scale(8, 11)) as Array<{ ruleId: string; reason: string }>;
  assert.deepEqual(ruleIds(tooMany), ["bounds.max-replicas"]);
  assert.match(tooMany[0]!.reason, /Deployment shop\/web would get 11 replicas, above the policy's maxReplicas of 10/);
  assert.deepEqual(ruleIds((await scale(2, 6)) as never), ["bounds.replica-step"]);
  assert.deepEqual(ruleIds((await scale(9, 5)) as never), ["bounds.replica-step"], "a step down is bounded too");

  const resize = (memory: string, cpu: string) =>
    boundsCheck.evaluate(
      inputFor(
        "increase_resources",
        web,
        { container: "app", resource: "memory", limit: { quantity: memory } },
        {
          plan: planWith({ resources: { workload: web, replicas: 2, podSpecBefore: spec("1Gi", "1"), podSpecAfter: spec(memory, cpu) } }),
        },
      ),
      ctx,
    ) as Promise<Array<{ ruleId: string; reason: string }>>;
  assert.deepEqual(await resize("1536Mi", "1"), []);
  const big = await resize("3Gi", "1");
  assert.ok(
    big.some(
      (m) =>
        m.ruleId === "bounds.max-memory-limit" &&
        /container "app" of Deployment shop\/web would get a memory limit of 3Gi, above the policy's max of 2Gi/.test(m.reason),
    ),
  );
  assert.ok(big.some((m) => m.ruleId === "bounds.resource-factor" && /1Gi → 3Gi is ×3\.00/.test(m.reason)));
  assert.ok((await resize("1Gi", "4")).some((m) => m.ruleId === "bounds.max-cpu-limit"));

  const evictions = await boundsCheck.evaluate(
    inputFor(
      "drain_node",
      { kind: "Node", name: "worker-1" },
      {},
      {
        plan: planWith({ disruptedPods: ["a", "b", "c"].map((name) => ({ namespace: "shop", name, labels: {}, how: "evict" as const })) }),
      },
    ),
    ctx,
  );
  assert.deepEqual(ruleIds(evictions as never), ["bounds.evictions"]);
  const hpa = await boundsCheck.evaluate(
    inputFor("update_hpa", { kind: "HorizontalPodAutoscaler", namespace: "shop", name: "web" }, { maxReplicas: 40 }),
    ctx,
  );
  assert.deepEqual(ruleIds(hpa as never), ["bounds.max-replicas"]);
});

test("engine: a check that throws denies with its error, never crashes; the decision is contract-valid", async () => {
  const ctx = contextFor();
  const broken = definePolicyCheck({
    id: "broken",
    evaluate() {
      throw new Error("quota API unreachable");
    },
  });
  const result = await evaluatePolicy(inputFor("rollout_restart", web, {}), ctx, [broken]);
  assert.equal(result.decision.decision, "denied");
  assert.deepEqual(result.decision.matched, [
    { ruleId: "broken", effect: "deny", reason: "policy check broken could not decide, so it denies: quota API unreachable" },
  ]);
  assert.doesNotThrow(() => policyDecision.parse(result.decision));

  // Checks that need a plan are skipped without one; with one, a cluster read that fails denies.
  const noPlan = await evaluatePolicy(inputFor("scale_deployment", web, { replicas: 3 }), ctx);
  assert.equal(noPlan.decision.decision, "allowed");
  const unreachable = await evaluatePolicy(
    inputFor(
      "scale_deployment",
      web,
      { replicas: 3 },
      { plan: planWith({ replicas: { workload: web, from: 2, to: 3, podSpec: { containers: [{ name: "app" }] } } }) },
    ),
    ctx,
  );
  assert.equal(unreachable.decision.decision, "denied");
  assert.ok(denials(unreachable.decision.matched).includes("preflight.capacity"));
  assert.ok(parsePolicy(""));
});
