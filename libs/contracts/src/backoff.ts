// Retry timing shared by every Vigil component that retries (redelivery, reconnects, tracer restarts): one
// formula, so back-off behaves the same everywhere.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Delay before attempt `failures + 1` after `failures` consecutive failures (1-based): exponential, capped, ±20% jitter. */
export function backoffDelay(failures: number, { baseMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  const jitter = exp * 0.2 * (random() * 2 - 1);
  return Math.max(1, Math.round(Math.min(maxMs, exp + jitter)));
}
