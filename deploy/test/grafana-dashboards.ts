// The Vigil Grafana dashboards as the tests read them: the JSON model's parts they check, every PromQL expression with
// where it is, and every series those expressions and the query variables name.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { seriesNames } from "./grafana-promql.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface Target {
  expr: string;
  refId: string;
  datasource?: { uid?: string };
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
export interface Variable {
  name: string;
  type: string;
  query: string | { query: string };
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations?: { list: Array<{ expr?: string }> };
}

const load = (file: string) => JSON.parse(readFileSync(join(root, "deploy/grafana", file), "utf8")) as Dashboard;
export const dashboards = { "vigil-collector": load("vigil-collector.json"), "vigil-pipeline": load("vigil-pipeline.json") };
export type DashboardName = keyof typeof dashboards;

/** PromQL of a dashboard: panel targets and annotations. */
export const exprsOf = (d: Dashboard): Array<{ where: string; expr: string }> => [
  ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${p.title} (${t.refId})`, expr: t.expr }))),
  ...(d.annotations?.list ?? []).filter((a) => a.expr).map((a) => ({ where: "annotation", expr: a.expr! })),
];
/** Series named by the query variables: label_values(series, label) or label_values(series{...}, label). */
const variableSeries = (d: Dashboard): string[] =>
  d.templating.list
    .filter((v) => v.type === "query")
    .map((v) => (typeof v.query === "string" ? v.query : v.query.query))
    .map((q) => /^label_values\(\s*([A-Za-z_:][\w:]*)/.exec(q)![1]!);
export const namedSeries = (d: Dashboard): string[] =>
  [...new Set([...exprsOf(d).flatMap((e) => seriesNames(e.expr)), ...variableSeries(d)])].sort();

/**
 * Panels rightly empty after one dry-run incident: nothing failed, was denied, dead-lettered, retried, approved or
 * scored; no LLM is configured; no kernel event was sent; the fake container runtime has no cgroups or network
 * namespaces; whether a filesystem here is read-only or filling up depends on the machine. Every other panel must
 * show data.
 */
export const MAY_BE_EMPTY = new Set(
  [
    "Read-only filesystems",
    "Filesystem: hours until full at the last 6 h's rate",
    "Pod CPU pressure (share of time waiting)",
    "Pod memory and I/O pressure (share of time stalled)",
    "Pod network",
    "Pod processes",
  ]
    .map((title) => `vigil-collector: ${title}`)
    .concat(
      [
        "Actions by action and status",
        "Policy denials by rule",
        "Approval decisions",
        "LLM cost (estimated)",
        "LLM fallbacks by reason",
        "Mean score by action (1 h window)",
        "Recurrences and drift",
        "Earned autonomy changes",
        "Components without data",
        "Dead letters by consumer and reason",
        "Retries (nak) and handler timeouts",
        "Kernel events by type",
      ].map((title) => `vigil-pipeline: ${title}`),
    ),
);
