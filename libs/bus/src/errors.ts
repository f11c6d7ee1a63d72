/**
 * Error classes that steer redelivery. Consumers map them to JetStream acknowledgements:
 * PermanentError → dead-letter and term, RetryableError → nak with its delay, anything else → nak with backoff.
 * Checks use `name`, not instanceof, so they survive duplicate copies of this package.
 */
export class PermanentError extends Error {
  override readonly name = "PermanentError";
}

export class RetryableError extends Error {
  override readonly name = "RetryableError";
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** NATS or the stream is unreachable right now; the caller should retry later (HTTP 503). */
export class BusUnavailableError extends Error {
  override readonly name = "BusUnavailableError";
  constructor(
    message: string,
    /** Why: lets callers react, e.g. re-create a stream that was deleted under a running service. */
    readonly kind: "disconnected" | "no_stream" | "timeout" | "jetstream" = "disconnected",
  ) {
    super(message);
  }
}

/** A publish header that NATS cannot carry (a name with ':' or a control character, a value with CR or LF). */
export class InvalidHeaderError extends Error {
  override readonly name = "InvalidHeaderError";
}

/** JetStream answered the publish with an API error (e.g. message too large, wrong expected sequence). */
export class PublishRejectedError extends Error {
  override readonly name = "PublishRejectedError";
  constructor(
    message: string,
    readonly code: number,
    readonly errCode: number,
  ) {
    super(message);
  }
}

/** A message failed its schema: a bug in the producer, never worth a retry. */
export class InvalidMessageError extends Error {
  override readonly name = "InvalidMessageError";
}

/** A handler ran past its consumer's `handlerTimeoutMs`: the signal handed to it aborts with this reason. */
export class HandlerTimeoutError extends Error {
  override readonly name = "HandlerTimeoutError";
  constructor(readonly elapsedMs: number) {
    super(`handler still running after ${elapsedMs}ms (handlerTimeoutMs)`);
  }
}

export const isPermanent = (err: unknown): boolean =>
  err instanceof Error && (err.name === "PermanentError" || err.name === "InvalidMessageError");

export const isUnavailable = (err: unknown): boolean => err instanceof Error && err.name === "BusUnavailableError";

/**
 * The retry delay a failure asks for, if any: RetryableError's, or any thrown value with a numeric
 * `retryAfterMs` (handlers may throw plain objects, null or strings: none of them may crash the runner).
 */
export function retryAfterOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null || !("retryAfterMs" in err)) return undefined;
  const hint = err.retryAfterMs;
  return typeof hint === "number" && Number.isFinite(hint) && hint >= 0 ? hint : undefined;
}

/** A one-line description of anything thrown: an Error's message, else the value as JSON or text. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && err !== null) {
    try {
      return `non-Error thrown: ${JSON.stringify(err)}`;
    } catch {
      return `non-Error thrown: ${Object.prototype.toString.call(err)}`;
    }
  }
  return `non-Error thrown: ${String(err)}`;
}
