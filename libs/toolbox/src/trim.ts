// The safety net between a tool and a model: JSON that does not fit the budget is shrunk, step by step, by
// cutting long arrays (keeping the newest or first items), long strings (a multi-line text such as a log keeps
// its tail, where the crash is) and deep nesting, until it fits. Every cut is listed, so the model knows what
// it did not see and can ask for less (one container, fewer lines) instead of guessing.

/**
 * Each step cuts harder than the one before: arrays to `items`, strings to `share` of the budget, nesting to
 * `depth`. Strings scale with the budget so that one long log in a small answer keeps most of the budget.
 */
const STEPS: ReadonlyArray<{ items: number; share: number; depth: number }> = [
  { items: 100, share: 0.9, depth: 12 },
  { items: 50, share: 0.5, depth: 10 },
  { items: 20, share: 0.25, depth: 8 },
  { items: 10, share: 0.12, depth: 6 },
  { items: 5, share: 0.06, depth: 5 },
  { items: 3, share: 0.03, depth: 4 },
  { items: 1, share: 0.015, depth: 3 },
];
/** No string is cut shorter than this: below it a cut text says nothing. */
const MIN_CHARS = 60;
/** Notes beyond this many are counted, not listed: a note list must not become the next thing to trim. */
const MAX_NOTES = 8;
/** Fields read as times to tell which end of an array is the newest. */
const TIME_FIELDS = ["lastTimestamp", "timestamp", "eventTime", "time", "ts", "createdAt", "firstTimestamp"];

export interface Trimmed {
  /** The data as JSON values (Dates as strings), cut where it had to be. */
  data: unknown;
  /** What was cut, e.g. "events: 212 of 240 omitted (oldest)". */
  trimmed: string[];
  /** JSON of `data`, plus a last line naming the cuts when there were any; at most `maxChars` long. */
  text: string;
}

interface Limits {
  items: number;
  chars: number;
  depth: number;
}

/** `value` as JSON within `maxChars`, cut as little as the steps allow. */
export function trimToFit(value: unknown, maxChars: number): Trimmed {
  const data = asJson(value);
  const full = JSON.stringify(data);
  if (full.length <= maxChars) return { data, trimmed: [], text: full };
  for (const { items, share, depth } of STEPS) {
    const limits = { items, chars: Math.max(MIN_CHARS, Math.floor(maxChars * share)), depth };
    const notes: string[] = [];
    const cut = shrink(data, "", 0, limits, notes);
    const text = withNote(JSON.stringify(cut), notes);
    if (text.length <= maxChars) return { data: cut, trimmed: summarized(notes), text };
  }
  // Even the hardest step is too large (a very wide object): the JSON text itself is cut.
  const notes = [`output: cut to ${maxChars} of ${full.length} characters`];
  const room = Math.max(0, maxChars - noteLine(notes).length);
  // A budget smaller than the note itself still holds: the text is cut to it.
  return { data: undefined, trimmed: notes, text: withNote(full.slice(0, room), notes).slice(0, maxChars) };
}

/** Plain JSON values: what a model or an MCP client would receive anyway (undefined → null). */
function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

function noteLine(notes: readonly string[]): string {
  return `\n[trimmed to fit: ${summarized(notes).join("; ")}]`;
}

function withNote(json: string, notes: readonly string[]): string {
  return notes.length === 0 ? json : json + noteLine(notes);
}

function summarized(notes: readonly string[]): string[] {
  if (notes.length <= MAX_NOTES) return [...notes];
  return [...notes.slice(0, MAX_NOTES), `${notes.length - MAX_NOTES} more fields cut the same way`];
}

function shrink(value: unknown, path: string, depth: number, limits: Limits, notes: string[]): unknown {
  if (typeof value === "string") return shrinkString(value, path, limits.chars, notes);
  if (value === null || typeof value !== "object") return value;
  if (depth >= limits.depth) {
    const size = Array.isArray(value) ? `${value.length} items` : `${Object.keys(value).length} fields`;
    notes.push(`${path || "output"}: nested deeper than ${limits.depth} levels omitted`);
    return `[${size} omitted]`;
  }
  if (Array.isArray(value)) return shrinkArray(value, path, depth, limits, notes);
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, shrink(v, path ? `${path}.${key}` : key, depth + 1, limits, notes)]),
  );
}

function shrinkString(s: string, path: string, max: number, notes: string[]): string {
  if (s.length <= max) return s;
  const name = path || "output";
  if (s.includes("\n")) {
    // A log or a multi-line message: the end matters most (the last lines before a crash), and whole lines read better.
    const tail = s.slice(s.length - max);
    const kept = tail.includes("\n") ? tail.slice(tail.indexOf("\n") + 1) : tail;
    const omittedLines = s.slice(0, s.length - kept.length).split("\n").length - 1;
    notes.push(`${name}: first ${omittedLines} lines omitted (${s.length - kept.length} of ${s.length} characters), the last kept`);
    return kept;
  }
  notes.push(`${name}: cut to ${max} of ${s.length} characters`);
  return `${s.slice(0, max)}…`;
}

function shrinkArray(items: unknown[], path: string, depth: number, limits: Limits, notes: string[]): unknown[] {
  const name = path || "output";
  const each = (v: unknown, i: number) => shrink(v, `${name}[${i}]`, depth + 1, limits, notes);
  if (items.length <= limits.items) return items.map(each);
  const omitted = items.length - limits.items;
  const order = timeOrder(items);
  if (order === "ascending") {
    notes.push(`${name}: ${omitted} of ${items.length} omitted (oldest)`);
    return items.slice(omitted).map((v, i) => each(v, omitted + i));
  }
  if (order === "descending") {
    notes.push(`${name}: ${omitted} of ${items.length} omitted (oldest)`);
    return items.slice(0, limits.items).map(each);
  }
  // No time order: the producer's order is its ranking (most relevant first); the last item often closes a series.
  const head = Math.max(1, limits.items - 1);
  const kept = limits.items > 1 ? [...items.slice(0, head), items[items.length - 1]] : items.slice(0, 1);
  notes.push(`${name}: ${omitted} of ${items.length} omitted (${limits.items > 1 ? "middle" : "after the first"})`);
  return kept.map((v, i) => each(v, i < head ? i : items.length - 1));
}

/** Whether the items' time fields run oldest → newest, newest → oldest, or neither (absent, mixed, ranked otherwise). */
function timeOrder(items: readonly unknown[]): "ascending" | "descending" | "none" {
  const times = items.map(timeOf);
  if (times.some((t) => t === undefined)) return "none";
  const ts = times as number[];
  if (ts.every((t, i) => i === 0 || t >= ts[i - 1]!)) return ts[0] === ts.at(-1) ? "none" : "ascending";
  if (ts.every((t, i) => i === 0 || t <= ts[i - 1]!)) return "descending";
  return "none";
}

function timeOf(item: unknown): number | undefined {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  for (const field of TIME_FIELDS) {
    const v = record[field];
    const t = typeof v === "string" ? Date.parse(v) : typeof v === "number" ? v : NaN;
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}
