import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  actionCatalog,
  actionNames,
  catalogActionName,
  getAction,
  mergeRules,
  parseQuantity,
  policyRule,
  rbacRulesFor,
  rule,
  validateActionParameters,
} from "../src/index.js";

/** The actions the executor issue lists; the catalog may hold more, never fewer. */
const required = [
  "scale_deployment",
  "scale_statefulset",
  "increase_resources",
  "update_hpa",
  "restart_pod",
  "rollout_restart",
  "rollback_deployment",
  "pause_rollout",
  "resume_rollout",
  "cordon_node",
  "uncordon_node",
  "drain_node",
  "migrate_workload",
  "quarantine_pod",
  "update_network_policy",
  "expand_pvc",
  "cleanup_failed_pods",
  "delete_completed_jobs",
  "suspend_cronjob",
  "restart_daemonset",
  "restart_network",
  "collect_diagnostics",
  "enable_debug_mode",
  "notify_only",
  "escalate",
  "backup_volume",
  "rotate_secrets",
  "run_repair_job",
];

/** Every (group, resource, verb) a rule list grants. */
const grants = (rules: Iterable<{ apiGroups: string[]; resources: string[]; verbs: string[] }>) =>
  [...rules].flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`))));

describe("action catalog", () => {
  it("holds every action the executor implements, each once, with a snake_case name", () => {
    for (const name of required) assert.ok(getAction(name), name);
    assert.equal(new Set(actionNames).size, actionNames.length);
    assert.ok(actionNames.length >= 28);
    for (const name of actionNames) assert.match(name, /^[a-z][a-z0-9_]*$/);
    assert.equal(catalogActionName.safeParse("restart_pod").success, true);
    assert.match(catalogActionName.safeParse("reboot_cluster").error!.issues[0]!.message, /unknown action "reboot_cluster"/);
  });

  it("every entry is complete: description, targets, RBAC rules, and high risk always needs approval", () => {
    for (const [name, def] of actionCatalog) {
      assert.ok(def.title.length > 0 && def.description.length > 20, `${name} describes itself`);
      assert.ok(def.targetKinds.length > 0, `${name} has target kinds`);
      for (const r of def.rbac) policyRule.parse(r);
      const touchesCluster = !["notify_only", "escalate"].includes(name);
      assert.equal(def.rbac.length > 0, touchesCluster, `${name}: RBAC rules exactly when it calls the API`);
      if (def.risk === "high") assert.equal(def.requiresApproval, true, `${name} is high risk`);
    }
  });

  it("every action's valid examples validate and its invalid ones are refused, naming the field", () => {
    let checked = 0;
    for (const [name, def] of actionCatalog) {
      for (const params of def.examples.valid) {
        const result = validateActionParameters(name, params);
        assert.ok(result.ok, `${name} ${JSON.stringify(params)}: ${result.ok ? "" : result.error}`);
      }
      for (const { parameters, field } of def.examples.invalid) {
        const result = validateActionParameters(name, parameters);
        assert.equal(result.ok, false, `${name} accepted ${JSON.stringify(parameters)}`);
        if (result.ok) continue;
        const path = `parameters.${field}`.replace(/\.\[/g, "[");
        assert.ok(
          result.issues.some((i) => i.path === path),
          `${name} ${JSON.stringify(parameters)} names ${path}; got ${result.error}`,
        );
        assert.ok(result.error.includes(`${path}: `), result.error);
        for (const issue of result.issues)
          assert.doesNotMatch(issue.message, /^Invalid input/, `${name}: ${issue.path} has a written message`);
        checked++;
      }
      // Strict: a parameter the action does not have is an error, never silently dropped.
      const extra = validateActionParameters(name, { ...(def.examples.valid[0] as object), surprise: 1 });
      assert.ok(!extra.ok && extra.issues.some((i) => i.path === "parameters.surprise"), `${name} refuses unknown parameters`);
      assert.equal(validateActionParameters(name, "replicas=3").ok, false, `${name} refuses a non-object`);
    }
    assert.ok(checked >= actionCatalog.size, `${checked} invalid examples`);
  });

  it("reports errors as `path: message` and returns typed parameters with defaults", () => {
    const bad = validateActionParameters("scale_deployment", { replicas: 1001 });
    assert.deepEqual(bad, {
      ok: false,
      issues: [{ path: "parameters.replicas", message: "must be ≤ 1000" }],
      error: "parameters.replicas: must be ≤ 1000",
    });
    const unknown = validateActionParameters("reboot_cluster", {});
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.issues[0]!.path, "action");
    const drain = validateActionParameters("drain_node", {});
    assert.ok(drain.ok);
    assert.deepEqual(drain.parameters, { timeoutSeconds: 300, deleteEmptyDirData: false });
    assert.equal(drain.action.risk, "high");
  });

  it("parses Kubernetes quantities the way the API server does", () => {
    assert.equal(parseQuantity("500m"), 0.5);
    assert.equal(parseQuantity("2"), 2);
    assert.equal(parseQuantity("1Gi"), 2 ** 30);
    assert.equal(parseQuantity("1.5Mi"), 1.5 * 2 ** 20);
    assert.equal(parseQuantity("1e3"), 1000);
    assert.equal(parseQuantity("1E"), 1e18);
    assert.equal(parseQuantity("2k"), 2000);
    for (const bad of ["", "1 Gi", "1GB", "Gi", "1.2.3", "0x10"]) assert.equal(parseQuantity(bad), undefined, bad);
  });
});

describe("RBAC derivation", () => {
  it("merges the rules of several actions into a sorted, deduplicated Role", () => {
    assert.deepEqual(rbacRulesFor(["scale_deployment", "rollout_restart", "pause_rollout", "resume_rollout"]), [
      { apiGroups: [""], resources: ["resourcequotas"], verbs: ["list"] },
      { apiGroups: ["apps"], resources: ["daemonsets", "deployments", "deployments/scale", "statefulsets"], verbs: ["get", "patch"] },
      { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: ["get", "list", "patch"] },
    ]);
  });

  it("keeps subresources apart from their resource", () => {
    const rules = rbacRulesFor(["drain_node", "collect_diagnostics"]);
    const all = grants(rules);
    assert.ok(all.includes("|pods/eviction|create"));
    assert.ok(all.includes("|pods/log|get"));
    assert.ok(!all.includes("|pods|create"), "evicting is not creating pods");
    assert.ok(!all.includes("|pods/log|list"));
  });

  it("grants exactly the union of what the actions need, each grant once", () => {
    const merged = grants(rbacRulesFor(actionNames));
    const needed = new Set(grants([...actionCatalog.values()].flatMap((d) => d.rbac)));
    assert.equal(merged.length, new Set(merged).size, "no grant appears twice");
    assert.deepEqual(new Set(merged), needed);
    assert.deepEqual(rbacRulesFor([]), []);
    assert.deepEqual(rbacRulesFor(["notify_only", "escalate"]), []);
    assert.throws(() => rbacRulesFor(["reboot_cluster" as never]), /unknown action "reboot_cluster"/);
  });

  it("expands multi-group rules and merges verbs of the same resource", () => {
    const merged = mergeRules([
      { apiGroups: ["apps", "extensions"], resources: ["deployments"], verbs: ["get"] },
      rule("apps", "deployments", ["patch", "get"]),
      rule("apps", "deployments", ["get"]),
    ]);
    assert.deepEqual(merged, [
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] },
      { apiGroups: ["extensions"], resources: ["deployments"], verbs: ["get"] },
    ]);
  });
});
