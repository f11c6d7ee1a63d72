import { HandlerTimeoutError } from "./errors.js";

/** How a handler run ended. `timed_out` and `abandoned` free the slot even if the handler's promise never settles. */
export type HandlerOutcome =
  | { kind: "done" }
  | { kind: "failed"; error: unknown }
  /** Ran past `timeoutMs`: its signal aborted with a HandlerTimeoutError. */
  | { kind: "timed_out"; elapsedMs: number }
  /** Shutdown outlived its deadline while the handler was still running. */
  | { kind: "abandoned"; elapsedMs: number };

export interface DeadlineOptions {
  timeoutMs: number;
  /** Extends the message's ack deadline; called every `heartbeatEveryMs` until the run ends or times out. */
  heartbeat(): void;
  heartbeatEveryMs: number;
  /** Aborted when shutdown outlives its deadline. */
  shutdown: AbortSignal;
  /** Counts handlers given up on whose promise has not settled yet (a gauge). */
  abandoned: { inc(): void; dec(): void };
}

/**
 * Runs a handler under a deadline. The heartbeat keeps the message ours only until the deadline: a hung
 * handler can no longer hold its message (and its concurrency slot) forever. At the deadline the handler's
 * signal aborts with the reason and the run resolves; whatever the handler does afterwards is ignored.
 * Never rejects: a throw of any value (null, a string) comes back as `failed`. The handler's signal is
 * made on first use (most handlers never look at it, and an AbortController per message shows in profiles).
 */
export function runWithDeadline(run: (signal: () => AbortSignal) => Promise<unknown>, opts: DeadlineOptions): Promise<HandlerOutcome> {
  let controller: AbortController | undefined;
  let abortReason: unknown;
  let aborted = false;
  const signal = () => {
    if (!controller) {
      controller = new AbortController();
      if (aborted) controller.abort(abortReason);
    }
    return controller.signal;
  };
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<HandlerOutcome>((resolve) => {
    let ended = false;
    const end = (outcome: HandlerOutcome) => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(timer);
      opts.shutdown.removeEventListener("abort", onShutdown);
      resolve(outcome);
    };
    const giveUp = (kind: "timed_out" | "abandoned", reason: unknown) => {
      if (ended) return;
      end({ kind, elapsedMs: elapsed() });
      opts.abandoned.inc();
      aborted = true;
      abortReason = reason;
      controller?.abort(reason);
      void settled.finally(() => opts.abandoned.dec());
    };
    const onShutdown = () => giveUp("abandoned", opts.shutdown.reason);
    const heartbeat = setInterval(() => opts.heartbeat(), opts.heartbeatEveryMs);
    const timer = setTimeout(() => giveUp("timed_out", new HandlerTimeoutError(elapsed())), opts.timeoutMs);
    opts.shutdown.addEventListener("abort", onShutdown, { once: true });
    let settled: Promise<unknown>;
    try {
      settled = run(signal);
    } catch (error) {
      // The handler's own synchronous throw, of any type, settles as its failure (the bus handles non-Errors).
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      settled = Promise.reject(error);
    }
    settled = Promise.resolve(settled).then(
      () => end({ kind: "done" }),
      (error: unknown) => end({ kind: "failed", error }),
    );
    if (opts.shutdown.aborted) onShutdown();
  });
}
