// Polling with a deadline: the one way tests should wait for eventually-true conditions (no sleeps).
import { inspect } from "node:util";

export interface WaitForOptions {
  /** Total time budget; default 10s. */
  timeoutMs?: number;
  /** Pause between attempts; default 100ms. */
  intervalMs?: number;
  /** Prefix of the timeout error, describing what was awaited. */
  message?: string;
}

const NOTHING = Symbol("nothing");

/**
 * Calls `fn` until it returns a truthy value and resolves with it. Errors thrown by `fn` count as
 * "not yet". On timeout, rejects with `message` plus the last error or value, so failures explain
 * themselves. A call that hangs past the deadline does not stall the timeout.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  // Real elapsed time: a test that steps the wall clock (Date.now) must not end or stretch the wait.
  const deadline = performance.now() + timeoutMs;
  let last: { error: unknown } | { value: unknown } | undefined;

  for (;;) {
    const remaining = deadline - performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve().then(fn),
        new Promise<typeof NOTHING>((resolve) => {
          timer = setTimeout(() => resolve(NOTHING), Math.max(remaining, 0));
        }),
      ]);
      if (result !== NOTHING) {
        if (result) return result;
        last = { value: result };
      }
    } catch (error) {
      last = { error };
    } finally {
      clearTimeout(timer);
    }
    const left = deadline - performance.now();
    if (left <= 0) break;
    // The final attempt lands on the deadline rather than being skipped.
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }

  const what = opts.message ?? "waitFor: condition not met";
  let detail = "no attempt completed (the callback hung)";
  if (last && "error" in last) {
    detail = `last error: ${last.error instanceof Error ? last.error.message : inspect(last.error)}`;
  } else if (last) {
    detail = `last value: ${inspect(last.value, { depth: 3 })}`;
  }
  throw new Error(`${what} (timed out after ${timeoutMs}ms; ${detail})`, {
    cause: last && "error" in last ? last.error : undefined,
  });
}
