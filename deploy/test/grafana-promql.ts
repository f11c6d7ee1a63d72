// Just enough PromQL reading to check dashboards and rules against a real exposition: which series an expression
// selects, with which label matchers, and which labels it groups by. Not a parser: `promtool check rules` proves the
// expressions parse (see grafana-dashboard.test.ts); this only has to find names reliably in expressions that parse.

/** String literals emptied (their content can look like anything), so the rest can be scanned with plain patterns. */
const withoutStrings = (expr: string): string => expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
]);
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

/** Every series name an expression selects (function and aggregation names, keywords and labels excluded). */
export function seriesNames(expr: string): string[] {
  const bare = withoutStrings(expr)
    .replace(/\{[^}]*\}/g, " ") // label matchers
    .replace(/\[[^\]]*\]/g, " ") // ranges and subqueries
    .replace(GROUPING, " ") // grouping and vector-matching label lists
    .replace(/\$\{?\w+\}?/g, " "); // Grafana variables outside ranges
  const names = [...bare.matchAll(/(?<![\w:.$])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()/g)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => !KEYWORDS.has(n.toLowerCase())))];
}

/** Label names matched per selector: `metric{a="x", b=~"y"}` → { series: "metric", labels: ["a", "b"] }. */
export function selectorLabels(expr: string): Array<{ series: string; labels: string[] }> {
  return [...withoutStrings(expr).matchAll(/([A-Za-z_:][\w:]*)\s*\{([^}]*)\}/g)].map((m) => ({
    series: m[1]!,
    labels: [...m[2]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!),
  }));
}

/** Labels named in by/without/on/ignoring/group_left/group_right lists. */
export function groupingLabels(expr: string): string[] {
  return [
    ...new Set(
      [...withoutStrings(expr).matchAll(GROUPING)].flatMap((m) =>
        m[2]!
          .split(",")
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    ),
  ];
}

/** Grafana's variables replaced by values Prometheus accepts: `window` for its intervals, `.*` (All) for the others. */
export function withVariablesResolved(expr: string, window = "5m"): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, window).replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, ".*");
}

/** Label names seen on each series' samples of an exposition (histogram series under their _bucket/_sum/_count names). */
export function sampleLabels(exposition: string): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const [, name, body = ""] of exposition.matchAll(/^([A-Za-z_:][\w:]*)(?:\{(.*)\})? \S+$/gm)) {
    const set = labels.get(name!) ?? new Set<string>();
    for (const [, label] of body.matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)) set.add(label!);
    labels.set(name!, set);
  }
  return labels;
}
