// The request deadline (REQUEST_TIMEOUT). Work over the caches is mostly synchronous: a timer cannot interrupt
// it, so the rule is checked on the clock when the work returns as well as by a timer while it awaits. Either
// way the caller gets DeadlineExceededError (504 REQUEST_TIMEOUT) and the work's AbortSignal is aborted, so an
// async handler still running stops instead of finishing for nobody. The clock here is this process's
// monotonic one, not the cluster's: a request's budget is real time, whatever time the cluster says it is.
import { performance } from "node:perf_hooks";
import { DeadlineExceededError } from "@vigil/errors";

export interface DeadlineOptions {
  timeoutMs: number;
  /** `performance.now()` when the request arrived; the budget counts from there. */
  startedAt?: number;
  /** Aborts the work early (the client went away); the deadline still answers if it passes first. */
  controller?: AbortController;
  /** What is being done, for the error's details ("GET /api/v1/nodes/:node/utilization"). */
  what: string;
  /** A late async failure, after the deadline answered: logged, never an unhandled rejection. */
  onLateFailure?: (err: unknown) => void;
}

/** Runs `work` under the deadline: its result, or DeadlineExceededError once `timeoutMs` has passed. */
export async function runWithDeadline<T>(work: (signal: AbortSignal) => T | Promise<T>, opts: DeadlineOptions): Promise<T> {
  const startedAt = opts.startedAt ?? performance.now();
  const controller = opts.controller ?? new AbortController();
  const expire = (): never => {
    const err = timeoutError(opts.timeoutMs, opts.what);
    controller.abort(err);
    throw err;
  };
  const overdue = () => performance.now() - startedAt > opts.timeoutMs;

  if (overdue()) expire(); // the budget went before the work could start (a busy event loop)
  const result = work(controller.signal);
  if (!(result instanceof Promise)) return overdue() ? expire() : result;

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, opts.timeoutMs - (performance.now() - startedAt)));
  });
  try {
    const winner = await Promise.race([result.then((value) => ({ value })), timedOut]);
    // A result that arrives after the deadline (the timer's turn came late) is still too late.
    if (winner === "timeout" || overdue()) {
      // The work rejecting with the deadline's own abort reason is it stopping as asked, not a failure.
      result.catch((err: unknown) => err !== controller.signal.reason && opts.onLateFailure?.(err));
      return expire();
    }
    return winner.value;
  } finally {
    clearTimeout(timer);
  }
}

/** `500ms`, `2s`, `1.5s`: as REQUEST_TIMEOUT is written. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}

function timeoutError(timeoutMs: number, what: string): DeadlineExceededError {
  return new DeadlineExceededError(`request exceeded ${formatMs(timeoutMs)} timeout`, {
    details: `${what} did not finish within REQUEST_TIMEOUT (${formatMs(timeoutMs)}); retry, or narrow the query`,
  });
}
