export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Exponential delay for the n-th failed delivery (1-based), with ±20% jitter so retries of a burst spread out. */
export function retryDelay(deliveryCount: number, { baseMs, maxMs }: BackoffOptions): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, deliveryCount - 1));
  const jitter = exp * 0.2 * (Math.random() * 2 - 1);
  return Math.max(1, Math.round(Math.min(maxMs, exp + jitter)));
}
