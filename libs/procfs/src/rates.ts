/**
 * Per-second rate of a kernel counter between two reads. Undefined when either read is missing or the
 * counter went backwards (32-bit wrap, device re-created, driver reset): a guessed rate would be noise
 * and a negative one is impossible, so that counter simply has no rate this interval.
 */
export function counterRate(prev: number | undefined, cur: number | undefined, seconds: number): number | undefined {
  if (prev === undefined || cur === undefined || cur < prev || !(seconds > 0)) return undefined;
  return (cur - prev) / seconds;
}

/** Rounds for the wire: samples go out every second, and digits below these carry no information. */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/**
 * Rates (bytes/s, ops/s, pages/s) keep 3 decimals, percentages 2. Fractions (PSI totalRate) keep 6 significant
 * digits instead of a fixed number of decimals: a steady stall of a few µs per second is real information
 * (the kernel counts in µs) and must not read 0, as it did at 4 decimals for anything under 50 µs/s.
 */
export const roundRate = (v: number): number => round(v, 3);
export const roundPct = (v: number): number => round(v, 2);
export const roundFraction = (v: number): number => (v === 0 ? 0 : Number(v.toPrecision(6)));

/** Sets `key` on `target` only when the value is defined, so absent stays absent rather than `undefined`. */
export function setDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
