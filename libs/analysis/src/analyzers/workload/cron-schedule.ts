// Just enough of cron (robfig/cron's standard parser, which the CronJob controller uses) to tell when a
// CronJob should last have run: five UTC fields with `*`, `?`, ranges, steps, lists and month/day names, and
// the @hourly/@daily/... descriptors. `@every` depends on controller state we do not see: unsupported.

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const NAMES = [
  undefined,
  undefined,
  undefined,
  ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
];
const BOUNDS: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];
const MINUTE = 60_000;
/** Search at most this far ahead for the next run (a schedule like Feb 30 never runs). */
const HORIZON_MINUTES = 366 * 24 * 60;

interface Field {
  values: Set<number>;
  star: boolean;
}

function parseField(expr: string, index: number): Field | undefined {
  const [min, max] = BOUNDS[index]!;
  const names = NAMES[index];
  const value = (s: string): number | undefined => {
    const named = names?.indexOf(s.toLowerCase()) ?? -1;
    if (named >= 0) return named + (index === 3 ? 1 : 0);
    return /^\d+$/.test(s) ? Number(s) : undefined;
  };
  const values = new Set<number>();
  let star = false;
  for (const part of expr.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) return undefined;
    let lo: number | undefined;
    let hi: number | undefined;
    if (range === "*" || range === "?") {
      [lo, hi] = [min, max];
      star = step === 1;
    } else {
      const [a = "", b] = range.split("-");
      lo = value(a);
      hi = b !== undefined ? value(b) : stepText !== undefined ? max : lo;
    }
    if (lo === undefined || hi === undefined || lo < min || hi > max || lo > hi) return undefined;
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

export interface CronSchedule {
  /** The first run strictly after `t` (epoch ms), or undefined. */
  next(t: number): number | undefined;
}

/** The schedule, or undefined when it cannot be read (the CronJob controller would not run it either). */
export function parseCron(schedule: string): CronSchedule | undefined {
  let spec = schedule.trim().replace(/^(CRON_)?TZ=\S+\s+/, "");
  spec = DESCRIPTORS[spec.toLowerCase()] ?? spec;
  const parts = spec.split(/\s+/);
  if (parts.length !== 5) return undefined;
  const fields = parts.map((p, i) => parseField(p, i));
  if (fields.some((f) => f === undefined)) return undefined;
  const [minute, hour, dom, month, dow] = fields as [Field, Field, Field, Field, Field];
  const dayMatches = (d: Date): boolean => {
    const domMatch = dom.values.has(d.getUTCDate());
    const dowMatch = dow.values.has(d.getUTCDay());
    // cron's rule: when both day fields are restricted, either may match.
    return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  };
  return {
    next(t) {
      let at = Math.floor(t / MINUTE) * MINUTE + MINUTE;
      for (let i = 0; i < HORIZON_MINUTES; i++, at += MINUTE) {
        const d = new Date(at);
        if (
          month.values.has(d.getUTCMonth() + 1) &&
          dayMatches(d) &&
          hour.values.has(d.getUTCHours()) &&
          minute.values.has(d.getUTCMinutes())
        )
          return at;
      }
      return undefined;
    },
  };
}

/** Scheduled times in (after, until], at most `cap` of them. */
export function runsBetween(schedule: CronSchedule, after: number, until: number, cap = 100): number[] {
  const out: number[] = [];
  for (let t = schedule.next(after); t !== undefined && t <= until && out.length < cap; t = schedule.next(t)) out.push(t);
  return out;
}
