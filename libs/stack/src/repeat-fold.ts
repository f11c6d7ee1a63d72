// Folds a burst of the same event from one service into one line: a starting analyzer logs "cache synced" once per
// kind it watches (23 lines), and three services do; on a terminal that is one line each,
// `analyzer INFO cache synced ×23  kind=Pod,Node,Event,…`. Only consecutive lines of one service with the same level
// and message fold, within a short window; JSON output is never folded (it is for machines).
import { formatLogLine, type LineStyle } from "./log-format.js";

interface Group {
  first: Record<string, unknown>;
  /** Values of the fields that differ between the group's lines, in order. */
  varying: Map<string, unknown[]>;
  count: number;
  timer: NodeJS.Timeout;
}

const keyOf = (o: Record<string, unknown>): string => `${String(o.level)}\u0000${String(o.msg)}`;
/** Fields that differ on every line anyway. */
const IGNORED = new Set(["time", "pid"]);

function parse(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class RepeatFolder {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly style: LineStyle,
    private readonly write: (line: string | undefined) => void,
    private readonly windowMs = 300,
  ) {}

  push(source: string, line: string): void {
    const obj = this.style.format === "json" ? undefined : parse(line);
    const group = this.groups.get(source);
    if (obj && group && keyOf(group.first) === keyOf(obj)) {
      this.add(group, obj);
      group.timer.refresh();
      return;
    }
    if (group) this.flush(source);
    if (!obj) return this.write(formatLogLine(source, line, this.style));
    const timer = setTimeout(() => this.flush(source), this.windowMs);
    timer.unref();
    this.groups.set(source, { first: obj, varying: new Map(), count: 1, timer });
  }

  private add(group: Group, obj: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(obj)) {
      if (IGNORED.has(key) || JSON.stringify(value) === JSON.stringify(group.first[key])) continue;
      if (!group.varying.has(key)) group.varying.set(key, [group.first[key]]);
      group.varying.get(key)!.push(value);
    }
    group.count++;
  }

  /** Writes the source's pending line (all of them without a source). */
  flush(source?: string): void {
    for (const name of source === undefined ? [...this.groups.keys()] : [source]) {
      const group = this.groups.get(name);
      if (!group) continue;
      clearTimeout(group.timer);
      this.groups.delete(name);
      const merged: Record<string, unknown> = { ...group.first };
      if (group.count > 1) {
        merged.msg = `${String(group.first.msg)} ×${group.count}`;
        for (const [key, values] of group.varying)
          merged[key] = values
            .filter((v) => v !== undefined)
            .map((v) => (typeof v === "string" ? v : JSON.stringify(v)))
            .join(",");
      }
      this.write(formatLogLine(name, JSON.stringify(merged), this.style));
    }
  }
}
