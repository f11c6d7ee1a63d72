// Reading a Prometheus text exposition back, for the node-metrics tests: series by name and labels.

/** One series line: its name, labels and value. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every series line of a /metrics body (comments skipped); label values unescaped. */
export function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] ?? ""] = (l[2] ?? "").replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    out.push({ name: m[1] ?? "", labels, value: Number(m[3]) });
  }
  return out;
}

/** Series of one name, keyed by the value of `label` ("" for a label-less series). */
export function byLabel(series: readonly Series[], name: string, label?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) if (s.name === name) out.set(label ? (s.labels[label] ?? "") : "", s.value);
  return out;
}

/** The value of a label-less series, or undefined when it is absent. */
export const valueOf = (series: readonly Series[], name: string): number | undefined => series.find((s) => s.name === name)?.value;
