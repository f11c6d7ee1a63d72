// Cron schedules as robfig/cron's standard parser reads them (what the CronJob controller uses): five fields
// (minute hour day-of-month month day-of-week) with `*`, `?`, ranges, `/` steps, lists and month/day names, or a
// descriptor (@yearly, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>). Times are UTC.
import { parseDurationMs } from "./duration.js";

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MINUTE = 60_000;

interface Bounds {
  min: number;
  max: number;
  names?: string[];
  nameBase?: number;
}
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 6, names: DAYS, nameBase: 0 },
];

interface Field {
  values: Set<number>;
  star: boolean;
}

export interface CronSchedule {
  /** The latest schedule time in (after, now] (ms), or undefined. */
  mostRecent(after: number, now: number): number | undefined;
  /** The first schedule time strictly after `t` (ms). */
  next(t: number): number | undefined;
}

/** How many schedule times fall in (after, now], counting no further than `cap`. */
export const countMissed = (s: CronSchedule, after: number, now: number, cap: number): number => {
  let n = 0;
  for (let t = s.next(after); t !== undefined && t <= now && n < cap; t = s.next(t)) n++;
  return n;
};

const parseValue = (s: string, b: Bounds): number => {
  const i = b.names?.indexOf(s.toLowerCase()) ?? -1;
  if (i >= 0) return i + (b.nameBase ?? 0);
  if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}`);
  return Number(s);
};

function parseField(expr: string, b: Bounds): Field {
  const values = new Set<number>();
  let star = false;
  for (const part of expr.split(",")) {
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined) throw new Error(`too many slashes: ${part}`);
    let start: number, end: number;
    if (range === "*" || range === "?") {
      [start, end] = [b.min, b.max];
      star = stepText === undefined || Number(stepText) <= 1;
    } else {
      const [lo, hi, more] = range!.split("-");
      if (more !== undefined) throw new Error(`too many hyphens: ${range}`);
      start = parseValue(lo!, b);
      // "N/step" means N to the maximum.
      end = hi !== undefined ? parseValue(hi, b) : stepText !== undefined ? b.max : start;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`step must be a positive number: ${part}`);
    if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${part}`);
    if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${part}`);
    if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

const parseEvery = (spec: string): CronSchedule => {
  const ms = parseDurationMs(spec);
  if (ms === undefined) throw new Error(`failed to parse duration @every ${spec}`);
  // ConstantDelaySchedule: every period after the previous run (or the CronJob's creation), truncated to whole
  // seconds and at least one, as robfig/cron's Every() does.
  const period = Math.max(1000, Math.floor(ms / 1000) * 1000);
  return {
    mostRecent: (after, now) => (now - after >= period ? after + Math.floor((now - after) / period) * period : undefined),
    next: (t) => t + period,
  };
};

export function parseCron(schedule: string): CronSchedule {
  let spec = schedule.trim().replace(/^(CRON_)?TZ=\S+\s+/, "");
  if (spec.startsWith("@every ")) return parseEvery(spec.slice(7));
  spec = DESCRIPTORS[spec.toLowerCase()] ?? spec;
  if (spec.startsWith("@")) throw new Error(`unrecognized descriptor: ${spec}`);
  const parts = spec.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(" ")}]`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, FIELDS[i]!)) as [Field, Field, Field, Field, Field];
  const dayMatches = (d: Date): boolean => {
    const domMatch = dom.values.has(d.getUTCDate());
    const dowMatch = dow.values.has(d.getUTCDay());
    return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  };
  const LIMIT = 5 * 366 * 24 * 60;
  const prev = (t: number): number | undefined => {
    let d = new Date(Math.floor(t / MINUTE) * MINUTE);
    for (let i = 0; i < LIMIT; i++) {
      if (!month.values.has(d.getUTCMonth() + 1)) d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - MINUTE);
      else if (!dayMatches(d)) d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - MINUTE);
      else if (!hour.values.has(d.getUTCHours()))
        d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()) - MINUTE);
      else if (!minute.values.has(d.getUTCMinutes())) d = new Date(d.getTime() - MINUTE);
      else return d.getTime();
    }
    return undefined;
  };
  return {
    mostRecent(after, now) {
      const t = prev(now);
      return t !== undefined && t > after ? t : undefined;
    },
    next(t) {
      let d = new Date(Math.floor(t / MINUTE) * MINUTE + MINUTE);
      for (let i = 0; i < LIMIT; i++) {
        if (!month.values.has(d.getUTCMonth() + 1)) d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
        else if (!dayMatches(d)) d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
        else if (!hour.values.has(d.getUTCHours()))
          d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1));
        else if (!minute.values.has(d.getUTCMinutes())) d = new Date(d.getTime() + MINUTE);
        else return d.getTime();
      }
      return undefined;
    },
  };
}

/** The schedule times in (after, until], at most `cap` of them. */
export function runsBetween(s: CronSchedule, after: number, until: number, cap = 100): number[] {
  const out: number[] = [];
  for (let t = s.next(after); t !== undefined && t <= until && out.length < cap; t = s.next(t)) out.push(t);
  return out;
}
