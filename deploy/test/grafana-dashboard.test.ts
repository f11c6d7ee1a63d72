// The Grafana dashboards (and the Vigil health rules) against the services they are for. Every series a panel, a
// variable or a rule names must be one the services export, with the labels the query matches and groups by, checked
// on real scrapes of all seven services after one incident went through them (grafana-stack.ts). Every expression
// must parse (promtool), and run on a real Prometheus scraping those services, where every panel that should show
// data does and every rule evaluates cleanly. A renamed series or label then fails here, not as an empty panel.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { makeTempDir, waitFor } from "@vigil/testing";
import { parse, stringify } from "yaml";
import { type DashboardName, dashboards, exprsOf, MAY_BE_EMPTY, namedSeries } from "./grafana-dashboards.js";
import { familyOf, families, hasSample, type MetricsStack, SERVICE_NAMES, startMetricsStack } from "./grafana-stack.js";
import { groupingLabels, sampleLabels, selectorLabels, seriesNames, withVariablesResolved } from "./grafana-promql.js";
import { PROMETHEUS_MISSING, type PrometheusHandle, startPrometheus } from "./prometheus-server.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Series Prometheus makes itself, and labels its scrape config adds: never in a service's exposition. */
const SYNTHETIC_SERIES = new Set(["up"]);
const TARGET_LABELS = new Set(["job", "instance", "node", "__name__"]);

const countOf = (text: string, ch: string): number => text.split(ch).length - 1;

for (const [uid, dashboard] of Object.entries(dashboards)) {
  describe(`deploy/grafana/${uid}.json`, () => {
    it("is a well-formed dashboard: unique panel ids, a 24-column grid, queries on the chosen data source, variables defined", () => {
      assert.equal(dashboard.uid, uid);
      const ids = dashboard.panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
      const variables = new Set(dashboard.templating.list.map((v) => v.name));
      assert.ok(variables.has("datasource"), "a data source variable");
      for (const p of dashboard.panels) {
        assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title}: inside the grid`);
        if (p.type === "row") continue;
        assert.ok((p.targets ?? []).length > 0, `${p.title}: has queries`);
        assert.equal(p.datasource?.uid, "${datasource}", `${p.title}: uses the data source variable`);
        const refIds = (p.targets ?? []).map((t) => t.refId);
        assert.equal(new Set(refIds).size, refIds.length, `${p.title}: unique refIds`);
        for (const t of p.targets ?? []) {
          for (const [, name] of t.expr.matchAll(/\$(?!__)(\w+)/g)) assert.ok(variables.has(name!), `${p.title}: $${name} is a variable`);
          assert.equal(countOf(t.expr, "("), countOf(t.expr, ")"), `${p.title}: balanced parentheses in ${t.expr}`);
          assert.equal(countOf(t.expr, "{"), countOf(t.expr, "}"), `${p.title}: balanced braces in ${t.expr}`);
        }
      }
      const minimum = uid === "vigil-collector" ? 25 : 40;
      assert.ok(namedSeries(dashboard).length >= minimum, `names the series it is for (found ${namedSeries(dashboard).length})`);
    });
  });
}

describe("every dashboard expression parses (promtool check rules)", () => {
  it("as recording rules, with Grafana's variables resolved", async (t) => {
    const exprs = Object.values(dashboards).flatMap(exprsOf);
    const groups = [
      { name: "dashboards", rules: exprs.map((e, i) => ({ record: `dashboard:expr_${i}`, expr: withVariablesResolved(e.expr) })) },
    ];
    const dir = await makeTempDir("grafana-promql");
    try {
      const file = join(dir.path, "dashboards.rules.yml");
      writeFileSync(file, stringify({ groups }));
      const res = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8", timeout: 60_000 });
      if (res.error && "code" in res.error && res.error.code === "ENOENT") {
        t.skip("promtool is not on the PATH (apt-get install -y prometheus); CI installs it");
        return;
      }
      // promtool names the failing rule dashboard:expr_<i>: say which panel that is.
      const failing = [...`${res.stdout}${res.stderr}`.matchAll(/dashboard:expr_(\d+)/g)].map((m) => exprs[Number(m[1])]!);
      assert.equal(res.status, 0, `${res.stdout}${res.stderr}\n${failing.map((e) => `${e.where}: ${e.expr}`).join("\n")}`);
      assert.match(res.stdout, new RegExp(`SUCCESS: ${exprs.length} rules found`));
    } finally {
      await dir.remove();
    }
  });
});

describe("against all seven services' /metrics after one incident", () => {
  let stack: MetricsStack;
  let exposition = "";
  let known = new Map<string, string>();
  let labelsOf = new Map<string, Set<string>>();

  before(async () => {
    stack = await startMetricsStack();
    exposition = SERVICE_NAMES.map((s) => stack.expositions[s]).join("\n");
    known = families(exposition);
    labelsOf = sampleLabels(exposition);
  });
  after(async () => {
    await stack?.stop();
  });

  const unexported = (series: string[]) => series.filter((s) => !SYNTHETIC_SERIES.has(s) && !familyOf(s, known));

  for (const uid of Object.keys(dashboards) as DashboardName[]) {
    it(`${uid}: exports every series the dashboard names`, () => {
      assert.deepEqual(unexported(namedSeries(dashboards[uid])), [], "series named by the dashboard but not exported");
    });

    it(`${uid}: the labels each query matches and groups by are on its series`, () => {
      for (const { where, expr } of exprsOf(dashboards[uid])) {
        const series = seriesNames(expr).filter((s) => labelsOf.has(s));
        const onAny = (label: string) => TARGET_LABELS.has(label) || series.some((s) => labelsOf.get(s)!.has(label));
        if (series.length === 0) continue; // no samples to learn labels from (checked as exported above)
        for (const { series: s, labels } of selectorLabels(expr)) {
          if (!labelsOf.has(s)) continue;
          for (const l of labels) assert.ok(TARGET_LABELS.has(l) || labelsOf.get(s)!.has(l), `${uid} ${where}: ${s} has no label ${l}`);
        }
        for (const l of groupingLabels(expr)) assert.ok(onAny(l), `${uid} ${where}: groups by ${l}, which ${series.join(", ")} lack`);
      }
    });
  }

  it("vigil-collector: has values for the node series and the container series the runtime reports", () => {
    // Pod PSI and pod network come from the pod's cgroup and netns, which the fake runtime has none of; node
    // pressure needs /proc/pressure. Those families are checked as exported above, not for values.
    const needsHostData = /^vigil_container_(pressure|network|processes)|^vigil_node_pressure/;
    const empty = namedSeries(dashboards["vigil-collector"]).filter((name) => !needsHostData.test(name) && !hasSample(exposition, name));
    assert.deepEqual(empty, [], "series the dashboard names with no value on this machine");
  });

  it("vigil-pipeline: every stage's throughput and latency series have values after the incident", () => {
    const pipeline = namedSeries(dashboards["vigil-pipeline"]);
    const stageSeries = [
      "vigil_webhook_alerts_published_total",
      "http_request_duration_seconds_bucket",
      "vigil_analyzer_diagnosis_seconds_bucket",
      "vigil_investigator_proposals_total",
      "vigil_investigator_decision_seconds_bucket",
      "vigil_executor_executions_total",
      "vigil_executor_execution_seconds_bucket",
      "vigil_effectiveness_assessments_total",
      "vigil_effectiveness_assess_seconds_bucket",
      "vigil_bus_acked_total",
      "vigil_bus_handler_seconds_bucket",
      "vigil_bus_published_total",
    ];
    for (const s of stageSeries) {
      assert.ok(pipeline.includes(s), `the dashboard shows ${s}`);
      assert.ok(hasSample(exposition, s), `${s} has a value`);
    }
    for (const consumer of ["analyzer", "investigator", "executor", "effectiveness"]) {
      assert.match(
        exposition,
        new RegExp(`^vigil_bus_acked_total\\{consumer="${consumer}"\\} [1-9]`, "m"),
        `${consumer} acked the incident`,
      );
    }
    assert.match(exposition, /^http_request_duration_seconds_count\{[^}]*route="\/alerts"[^}]*\} [1-9]/m, "the webhook's POST /alerts");
  });

  describe("evaluated by a real Prometheus scraping the seven services", () => {
    let prometheus: PrometheusHandle | undefined;
    const hasBinary = spawnSync("prometheus", ["--version"]).error === undefined;
    // Scraped every second, so a 30 s window spans plenty of samples for $__rate_interval and $__range alike.
    const resolve = (expr: string) => withVariablesResolved(expr, "30s");

    before(async () => {
      if (!hasBinary) return;
      const targets = SERVICE_NAMES.map((s) => ({
        job: `vigil-${s}`,
        address: stack.addresses[s],
        labels: s === "collector" ? { node: "node-a" } : undefined,
      }));
      const rules = ["kubernetes.rules.yml", "vigil.rules.yml"].map((f) => join(root, "deploy/prometheus/rules", f));
      prometheus = await startPrometheus(targets, rules);
      await waitFor(async () => (await prometheus!.query("min(count_over_time(up[1m])) >= 3 and min(up) == 1")).length === 1, {
        timeoutMs: 30_000,
        message: "three scrapes of every service, all up",
      });
    });
    after(async () => {
      await prometheus?.stop();
    });

    it("every dashboard query runs, and the pipeline's stage panels show data", async (t) => {
      if (!prometheus) return t.skip(PROMETHEUS_MISSING);
      const empty: string[] = [];
      for (const [uid, dashboard] of Object.entries(dashboards)) {
        for (const p of dashboard.panels.filter((p) => p.targets?.length)) {
          let rows = 0;
          for (const target of p.targets!) rows += (await prometheus.query(resolve(target.expr))).length; // throws on a query error
          if (rows === 0) empty.push(`${uid}: ${p.title}`);
        }
      }
      const unexpected = empty.filter((title) => !MAY_BE_EMPTY.has(title));
      assert.deepEqual(unexpected, [], "panels with no data after an incident went through every stage");
    });

    it("loads every rule file and evaluates every rule without error", async (t) => {
      if (!prometheus) return t.skip(PROMETHEUS_MISSING);
      let groups: Awaited<ReturnType<PrometheusHandle["rules"]>> = [];
      await waitFor(
        async () => {
          groups = await prometheus!.rules();
          return groups.length > 0 && groups.every((g) => g.rules.every((r) => !r.lastEvaluation.startsWith("0001-")));
        },
        { timeoutMs: 15_000, message: "every rule evaluated once" },
      );
      const broken = groups.flatMap((g) => g.rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.lastError ?? r.health}`));
      assert.deepEqual(broken, []);
      assert.ok(groups.flatMap((g) => g.rules).length >= 20, "both rule files loaded");
    });
  });

  it("deploy/prometheus/rules/vigil.rules.yml: every series the Vigil health rules name is exported", () => {
    const rules = (
      parse(readFileSync(join(root, "deploy/prometheus/rules/vigil.rules.yml"), "utf8")) as {
        groups: Array<{ rules: Array<{ expr: string }> }>;
      }
    ).groups.flatMap((g) => g.rules);
    const named = [...new Set(rules.flatMap((r) => seriesNames(r.expr)))];
    assert.ok(named.length >= 10, `names ${named.join(", ")}`);
    assert.deepEqual(unexported(named), [], "series named by a Vigil rule but not exported");
    for (const r of rules) {
      for (const { series, labels } of selectorLabels(r.expr)) {
        if (!labelsOf.has(series)) continue;
        for (const l of labels) assert.ok(TARGET_LABELS.has(l) || labelsOf.get(series)!.has(l), `${series} has no label ${l} (${r.expr})`);
      }
    }
  });
});
