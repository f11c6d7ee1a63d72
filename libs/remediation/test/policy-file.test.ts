import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { makeTempDir } from "@vigil/testing";
import {
  actionEnabled,
  cooldownFor,
  loadPolicy,
  modeFor,
  namespaceClassOf,
  parsePolicy,
  PolicyFileError,
} from "../src/policy/policy-file.js";

const shipped = new URL("../../../deploy/executor/policy.yaml", import.meta.url).pathname;

const problemsOf = (text: string): string[] => {
  try {
    parsePolicy(text, "test.yaml");
  } catch (err) {
    assert.ok(err instanceof PolicyFileError);
    return err.problems;
  }
  assert.fail("the policy was accepted");
};

test("the shipped deploy/executor/policy.yaml loads and equals the built-in defaults", () => {
  const fromFile = loadPolicy({ file: shipped });
  assert.deepEqual(fromFile, loadPolicy());
  assert.deepEqual(parsePolicy(""), loadPolicy(), "an empty file is the defaults");
  // Deny by default and the safe shape of the shipped policy.
  assert.deepEqual(fromFile.protectedNamespaces, ["kube-system", "kube-public", "kube-node-lease", "vigil"]);
  assert.equal(fromFile.approval.requiredFor.riskAtLeast, "high");
  assert.equal(fromFile.cooldowns.default, 10 * 60_000);
  assert.equal(fromFile.oscillation.window, 2 * 3_600_000);
  assert.equal(fromFile.approval.expiry, 30 * 60_000);
});

test("a bad file reports every problem at once, each naming its field", () => {
  const problems = problemsOf(`
mode: { restart_pods: live, restart_pod: sometimes }
rules:
  - { id: a, effect: allow, actions: [restart_pod] }
  - { id: a, effect: allow, actions: [scale_deployment], kinds: [Deploymnet] }
  - { id: c, effect: permit, actions: [restart_pods] }
bounds: { maxMemoryLimit: 4GB, maxCpuLimit: 8, maxReplicas: 0 }
cooldowns: { default: 10x, actions: { drain_node: 1h, drain_nodes: 2m } }
oscillation: { lowScore: 1.5 }
approval: { autonomy: { alwaysRequireApproval: [restart_netwrk] } }
conflictingWriters: { onConflict: revert }
limts: {}
`);
  const has = (prefix: string, text?: string) =>
    assert.ok(
      problems.some((p) => p.startsWith(prefix) && (!text || p.includes(text))),
      `expected a problem at ${prefix}${text ? ` mentioning ${text}` : ""} in:\n${problems.join("\n")}`,
    );
  has("mode.restart_pods:", 'unknown action "restart_pods"');
  has("mode.restart_pod:");
  has("rules[1].id:", "duplicate");
  has("rules[1].kinds[0]:");
  has("rules[2].effect:");
  has("rules[2].actions[0]:", 'unknown action "restart_pods"');
  has("bounds.maxMemoryLimit:", "must be a memory quantity such as 4Gi");
  has("bounds.maxReplicas:");
  has("cooldowns.default:", "duration");
  has("cooldowns.actions.drain_nodes:", "unknown action");
  has("oscillation.lowScore:");
  has("approval.autonomy.alwaysRequireApproval[0]:", "restart_netwrk");
  has("conflictingWriters.onConflict:");
  has("limts:", "unknown field");
  assert.equal(problems.length, 14, problems.join("\n"));
  assert.ok(!problems.some((p) => p.startsWith("bounds.maxCpuLimit")), "a bare 8 is a CPU quantity");
});

test("YAML syntax errors and unreadable files are PolicyFileErrors too", async () => {
  assert.match(problemsOf("rules: [\n  - id")[0]!, /^line \d+:/);
  const dir = await makeTempDir("policy-file");
  assert.throws(
    () => loadPolicy({ file: join(dir.path, "missing.yaml") }),
    (err: unknown) => err instanceof PolicyFileError && /cannot read/.test(err.problems[0]!),
  );
  const file = join(dir.path, "policy.yaml");
  writeFileSync(file, "confidence: { high: 0.95 }\ncooldowns: { actions: { drain_node: 1h30m } }\n");
  const policy = loadPolicy({ file });
  assert.equal(policy.confidence.high, 0.95);
  assert.equal(policy.confidence.low, 0.6, "fields not given keep their default");
  assert.equal(cooldownFor(policy, "drain_node"), 90 * 60_000);
  assert.equal(cooldownFor(policy, "restart_pod"), 10 * 60_000);
  await dir.remove();
});

test("modeFor: per-action overrides on top of EXECUTOR_MODE", () => {
  const policy = parsePolicy("mode: { notify_only: live, drain_node: dry-run }");
  assert.equal(modeFor(policy, "notify_only", "dry-run"), "live");
  assert.equal(modeFor(policy, "drain_node", "live"), "dry-run");
  assert.equal(modeFor(policy, "restart_pod", "live"), "live");
  assert.equal(modeFor(policy, "restart_pod", "dry-run"), "dry-run");
});

test("actionEnabled: deny by default, a deny everywhere removes an action", () => {
  const policy = parsePolicy(`
rules:
  - { id: restarts, effect: allow, actions: [restart_pod, rollout_restart] }
  - { id: no-rollout-restart, effect: deny, actions: [rollout_restart] }
  - { id: prod-scaling, effect: allow, actions: [scale_deployment], namespaces: [prod-*] }
  - { id: no-scaling-in-payments, effect: deny, actions: [scale_deployment], namespaces: [payments] }
`);
  assert.equal(actionEnabled(policy, "restart_pod"), true);
  assert.equal(actionEnabled(policy, "rollout_restart"), false);
  assert.equal(actionEnabled(policy, "scale_deployment"), true, "enabled somewhere");
  assert.equal(actionEnabled(policy, "drain_node"), false, "no rule allows it");
  assert.equal(actionEnabled(loadPolicy(), "restart_network"), true);
});

test("namespaceClassOf: first matching class, else default", () => {
  const policy = parsePolicy(`
namespaceClasses:
  - { class: prod, namespaces: [shop, "prod-*"] }
  - { class: staging, namespaces: ["*-staging", "shop"] }
`);
  assert.equal(namespaceClassOf(policy, "shop"), "prod");
  assert.equal(namespaceClassOf(policy, "prod-eu"), "prod");
  assert.equal(namespaceClassOf(policy, "web-staging"), "staging");
  assert.equal(namespaceClassOf(policy, "dev"), "default");
  assert.equal(namespaceClassOf(policy, undefined), "default");
  assert.equal(namespaceClassOf(loadPolicy(), "production"), "prod");
});
