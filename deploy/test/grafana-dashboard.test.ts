// The Grafana dashboard against the collector it is for: every series a panel or variable names must be one the
// collector exports, checked on a real scrape of a collector started in-process (this machine's /proc, a fake CRI
// runtime with one pod). A renamed series then fails here instead of leaving an empty panel in someone's Grafana.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { collectorService } from "@vigil/collector";
import { FakeRuntime } from "@vigil/cri/testing";
import { startTestService, type TestService } from "@vigil/service/testing";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Target {
  expr: string;
  refId: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query: string | { query: string };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboard = JSON.parse(readFileSync(join(root, "deploy/grafana/vigil-collector.json"), "utf8")) as Dashboard;
const queries = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.templating.list.filter((v) => v.type === "query").map((v) => (typeof v.query === "string" ? v.query : v.query.query)),
];
/** Every collector series is prefixed vigil_; PromQL functions and labels never are. */
const namedSeries = [...new Set(queries.flatMap((q) => [...q.matchAll(/\bvigil_[A-Za-z0-9_]+/g)].map((m) => m[0])))].sort();

describe("deploy/grafana/vigil-collector.json", () => {
  it("is a well-formed dashboard: unique panel ids, a 24-column grid, queries on the chosen data source, variables defined", () => {
    assert.equal(dashboard.uid, "vigil-collector");
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
    const variables = new Set(dashboard.templating.list.map((v) => v.name));
    for (const p of dashboard.panels) {
      assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title}: inside the grid`);
      if (p.type === "row") continue;
      assert.ok((p.targets ?? []).length > 0, `${p.title}: has queries`);
      assert.equal(p.datasource?.uid, "${datasource}", `${p.title}: uses the data source variable`);
      for (const t of p.targets ?? []) {
        for (const [, name] of t.expr.matchAll(/\$(?!__)(\w+)/g)) assert.ok(variables.has(name!), `${p.title}: $${name} is a variable`);
        assert.equal(countOf(t.expr, "("), countOf(t.expr, ")"), `${p.title}: balanced parentheses in ${t.expr}`);
        assert.equal(countOf(t.expr, "{"), countOf(t.expr, "}"), `${p.title}: balanced braces in ${t.expr}`);
      }
    }
    assert.ok(namedSeries.length >= 25, `names the node and pod series (found ${namedSeries.length})`);
  });

  describe("against a running collector's /metrics", () => {
    let nats: NatsServerHandle;
    let runtime: FakeRuntime;
    let collector: TestService;
    let exposition = "";

    before(async () => {
      nats = await startNats();
      runtime = await FakeRuntime.start();
      runtime.addPod({
        name: "cart-7d9f-abcde",
        namespace: "shop",
        containers: [
          {
            name: "app",
            image: "registry.example/cart:2.1",
            usage: {
              cpuNs: 5_000_000_000n,
              workingSetBytes: 120 * 2 ** 20,
              usageBytes: 150 * 2 ** 20,
              rssBytes: 100 * 2 ** 20,
              writableLayerBytes: 4096,
            },
          },
        ],
      });
      collector = await startTestService(collectorService, nats.url, {
        NODE_NAME: "node-a",
        COLLECTOR_SAMPLE_INTERVAL: "200ms",
        COLLECTOR_POD_SAMPLE_INTERVAL: "500ms",
        COLLECTOR_CRI_ENDPOINT: runtime.endpoint,
      });
      // Two node samples (counters and rates) and a pod sample are in once these series have values.
      await waitFor(
        async () => {
          exposition = await (await fetch(`${collector.url}/metrics`)).text();
          return hasSample(exposition, "vigil_node_cpu_seconds_total") && hasSample(exposition, "vigil_container_memory_working_set_bytes");
        },
        { timeoutMs: 10_000, message: "node and container series on /metrics" },
      );
    });
    after(async () => {
      await collector?.shutdown();
      await runtime?.close();
      await nats?.stop();
    });

    it("exports every series the dashboard names", () => {
      const missing = namedSeries.filter((name) => !exposition.includes(`# TYPE ${name} `));
      assert.deepEqual(missing, [], "series named by the dashboard but not exported");
    });

    it("has values for the node series and the container series the runtime reports", () => {
      // Pod PSI and pod network come from the pod's cgroup and netns, which the fake runtime has none of; node
      // pressure needs /proc/pressure. Those families are checked as exported above, not for values.
      const needsHostData = /^vigil_container_(pressure|network|processes)|^vigil_node_pressure/;
      const empty = namedSeries.filter((name) => !needsHostData.test(name) && !hasSample(exposition, name));
      assert.deepEqual(empty, [], "series the dashboard names with no value on this machine");
    });
  });
});

const countOf = (text: string, ch: string): number => text.split(ch).length - 1;

const hasSample = (exposition: string, name: string): boolean => new RegExp(`^${name}(\\{| )`, "m").test(exposition);
