// Go-style durations, the one parser for every place a person types a time span: env and query values,
// kube-sim scenarios (`warmup: 3m`, `after: 30s`) and CronJob `@every` schedules.
import { z } from "zod";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const WHOLE = /^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/;

/**
 * Go-style durations as SREs type them (`90s`, `15m`, `1h30m`, `500ms`, `1.5s`, `2d`) in milliseconds, or
 * undefined. Unlike Go, `d` is accepted (people write it) and signs, `us`/`ns` and a bare number are not.
 */
export function parseDurationMs(text: string): number | undefined {
  const s = text.trim();
  if (!WHOLE.test(s)) return undefined;
  let total = 0;
  for (const [, n, unit] of s.matchAll(PART)) total += Number(n) * UNIT_MS[unit!]!;
  return total;
}

/** A duration given as text or as a number of milliseconds; throws on text that is not a duration. */
export function requireDurationMs(value: string | number): number {
  if (typeof value === "number") return value;
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new Error(invalidDuration(value));
  return ms;
}

const invalidDuration = (s: string): string => `"${s}" is not a duration (use e.g. 500ms, 30s, 15m, 1h30m)`;

/** An env or query value in Go duration syntax, parsed to milliseconds. */
export const durationMs = z.string().transform((s, ctx) => {
  const ms = parseDurationMs(s);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: invalidDuration(s) });
    return z.NEVER;
  }
  return ms;
});
