import { z } from "zod";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Go-style durations as SREs type them (`90s`, `15m`, `1h30m`, `500ms`, `2d`) in milliseconds, or undefined. */
export function parseDurationMs(text: string): number | undefined {
  const s = text.trim();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(s)) return undefined;
  let total = 0;
  for (const [, n, unit] of s.matchAll(PART)) total += Number(n) * UNIT_MS[unit!]!;
  return total;
}

/** An env or query value in Go duration syntax, parsed to milliseconds. */
export const durationMs = z.string().transform((s, ctx) => {
  const ms = parseDurationMs(s);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `"${s}" is not a duration (use e.g. 500ms, 30s, 15m, 1h30m)` });
    return z.NEVER;
  }
  return ms;
});
