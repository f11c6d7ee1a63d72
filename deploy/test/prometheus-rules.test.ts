// The Prometheus config, the example alert rules and the Alertmanager configs, checked by the real tools: promtool
// (Debian package `prometheus`) validates the config and the rules and runs the rules' unit tests; amtool (package
// `prometheus-alertmanager`) validates both Alertmanager configs and says where each alert is routed. On top of that:
// every alert is unit-tested firing, every Kubernetes alert fires with labels Vigil's webhook resolves a target from
// (its own resolveTarget), and Vigil's own alerts never reach Vigil.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { resolveTarget } from "@vigil/alertmanager";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const rulesDir = join(root, "deploy/prometheus/rules");
const amDir = join(root, "deploy/alertmanager");

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  eval_time: string;
  exp_alerts?: Array<{ exp_labels?: Record<string, string> }>;
}
const yamlOf = <T>(dir: string, file: string) => parse(readFileSync(join(dir, file), "utf8")) as T;
const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith(".rules.yml"));
const testFiles = readdirSync(rulesDir).filter((f) => f.endsWith(".test.yml"));
const rulesOf = (file: string): Rule[] => yamlOf<{ groups: Array<{ rules: Rule[] }> }>(rulesDir, file).groups.flatMap((g) => g.rules);
const alertTestsOf = (file: string): AlertTest[] =>
  yamlOf<{ tests: Array<{ alert_rule_test?: AlertTest[] }> }>(rulesDir, file).tests.flatMap((t) => t.alert_rule_test ?? []);
/** The firing cases of an alert across every unit test: the labels it fires with. */
const firedLabels = (alert: string): Array<Record<string, string>> =>
  testFiles
    .flatMap((f) => alertTestsOf(f).filter((t) => t.alertname === alert))
    .flatMap((t) => (t.exp_alerts ?? []).map((a) => a.exp_labels ?? {}));

const isVigilOwn = (rule: Rule) => rule.labels?.component === "vigil";
const alerts = ruleFiles.flatMap((f) => rulesOf(f).filter((r) => r.alert !== undefined));

/** Runs a tool; skips the test with how to get it when it is not installed. */
function run(t: TestContext, tool: string, args: string[], cwd = root): { ok: boolean; out: string } | undefined {
  const res = spawnSync(tool, args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (res.error && "code" in res.error && res.error.code === "ENOENT") {
    const pkg = tool === "promtool" ? "prometheus" : "prometheus-alertmanager";
    t.skip(`${tool} is not on the PATH (apt-get install -y ${pkg}); CI installs it`);
    return undefined;
  }
  return { ok: res.status === 0, out: `${res.stdout}${res.stderr}` };
}

describe("deploy/prometheus with promtool", () => {
  it("promtool check config accepts prometheus.yml and finds every rule file", (t) => {
    const res = run(t, "promtool", ["check", "config", "prometheus.yml"], join(root, "deploy/prometheus"));
    if (!res) return;
    assert.ok(res.ok, res.out);
    assert.match(res.out, new RegExp(`SUCCESS: ${ruleFiles.length} rule files found`));
  });

  it("promtool check rules accepts every rule file", (t) => {
    const res = run(t, "promtool", ["check", "rules", ...ruleFiles], rulesDir);
    if (!res) return;
    assert.ok(res.ok, res.out);
  });

  it("promtool test rules: every unit test passes", (t) => {
    const res = run(t, "promtool", ["test", "rules", ...testFiles], rulesDir);
    if (!res) return;
    assert.ok(res.ok, res.out);
    assert.equal(res.out.match(/SUCCESS/g)?.length, testFiles.length, res.out);
  });
});

describe("the example alert rules", () => {
  it("each rule file is loaded by a unit test file, and every alert has a firing case", () => {
    const tested = new Set(testFiles.flatMap((f) => yamlOf<{ rule_files: string[] }>(rulesDir, f).rule_files));
    for (const f of ruleFiles) assert.ok(tested.has(f), `${f} has no unit tests`);
    for (const name of new Set(alerts.map((a) => a.alert!))) {
      assert.ok(firedLabels(name).length > 0, `${name} is never tested firing`);
    }
    assert.ok(alerts.length >= 20, `${alerts.length} alerts`);
  });

  it("cover the Kubernetes problems Vigil handles and Vigil's own health", () => {
    const names = new Set(alerts.map((a) => a.alert));
    for (const name of [
      "KubePodCrashLooping",
      "KubeContainerOOMKilled",
      "KubeDeploymentRolloutStuck",
      "KubeHpaMaxedOut",
      "KubePersistentVolumeFillingUp",
      "NodeMemoryPressure",
      "VigilServiceDown",
      "VigilDeadLettersGrowing",
      "VigilPipelineStalled",
      "VigilExecutorPaused",
      "VigilEffectivenessLow",
    ]) {
      assert.ok(names.has(name), `${name} missing`);
    }
  });

  it("Kubernetes alerts fire with labels Vigil's webhook resolves a target from (resolveTarget of @vigil/alertmanager)", () => {
    for (const rule of alerts.filter((r) => !isVigilOwn(r))) {
      for (const labels of firedLabels(rule.alert!)) {
        const target = resolveTarget(labels);
        assert.ok(target, `${rule.alert} fires with ${JSON.stringify(labels)}: no target for Vigil`);
        assert.notEqual(labels.component, "vigil");
      }
    }
  });

  it("Vigil's own alerts say so (component=vigil) and carry a severity", () => {
    for (const rule of alerts) {
      assert.match(rule.labels?.severity ?? "", /^(critical|warning|info)$/, `${rule.alert}: severity`);
      if (rule.alert!.startsWith("Vigil")) assert.ok(isVigilOwn(rule), `${rule.alert} needs component: vigil`);
    }
  });
});

describe("deploy/alertmanager with amtool", () => {
  const configs = ["alertmanager.yml", "alertmanager.compose.yml"];
  /** The receivers amtool routes a label set to, from the config file alone. */
  const routeOf = (t: TestContext, config: string, labels: Record<string, string>) => {
    const res = run(
      t,
      "amtool",
      ["config", "routes", "test", `--config.file=${config}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)],
      amDir,
    );
    if (!res) return undefined;
    assert.ok(res.ok, res.out);
    return res.out.split("\n").find((l) => l && !l.startsWith("Warning"));
  };

  it("amtool check-config accepts both configs", (t) => {
    const res = run(t, "amtool", ["check-config", ...configs], amDir);
    if (!res) return;
    assert.ok(res.ok, res.out);
    assert.equal(res.out.match(/SUCCESS/g)?.length, configs.length, res.out);
  });

  it("routes every Kubernetes alert to Vigil and every Vigil alert to its operators, in both configs", (t) => {
    // One rule per alert name is enough: rules sharing a name (one per stage, per severity) share their routing labels.
    const byName = [...new Map(alerts.map((r) => [r.alert!, r])).values()];
    for (const config of configs) {
      for (const rule of byName) {
        const labels = { alertname: rule.alert!, ...(firedLabels(rule.alert!)[0] ?? rule.labels) };
        const receiver = routeOf(t, config, labels);
        if (receiver === undefined) return;
        assert.equal(receiver, isVigilOwn(rule) ? "vigil-operators" : "vigil", `${config}: ${rule.alert}`);
      }
    }
  });
});
