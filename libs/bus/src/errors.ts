// The bus's own errors are members of the shared hierarchy (@vigil/errors), which also decides how a
// failed delivery is settled: see `settlementOf`.
import {
  ConflictError,
  DeadlineExceededError,
  errorKindOf,
  type ErrorKind,
  InvalidInputError,
  PermanentError,
  registerErrorClass,
  RetryableError,
  UnavailableError,
} from "@vigil/errors";

export { PermanentError, RetryableError };

/** NATS or the stream is unreachable right now; the caller should retry later (HTTP 503). */
export class BusUnavailableError extends UnavailableError {
  constructor(
    message: string,
    /** Why: lets callers react, e.g. re-create a stream that was deleted under a running service. */
    readonly reason: "disconnected" | "no_stream" | "timeout" | "jetstream" = "disconnected",
  ) {
    super(message);
  }
}
registerErrorClass(BusUnavailableError, "BusUnavailableError");

/** A publish header that NATS cannot carry (a name with ':' or a control character, a value with CR or LF). */
export class InvalidHeaderError extends InvalidInputError {}
registerErrorClass(InvalidHeaderError, "InvalidHeaderError");

/**
 * JetStream answered the publish with an API error (e.g. message too large, stream full, wrong expected
 * sequence): the stream's state refused it, hence a conflict, which a consumer retries with back-off.
 */
export class PublishRejectedError extends ConflictError {
  constructor(
    message: string,
    readonly code: number,
    readonly errCode: number,
  ) {
    super(message);
  }
}
registerErrorClass(PublishRejectedError, "PublishRejectedError");

/** A message failed its schema: a bug in the producer, never worth a retry. */
export class InvalidMessageError extends InvalidInputError {}
registerErrorClass(InvalidMessageError, "InvalidMessageError");

/** A handler ran past its consumer's `handlerTimeoutMs`: the signal handed to it aborts with this reason. */
export class HandlerTimeoutError extends DeadlineExceededError {
  constructor(readonly elapsedMs: number) {
    super(`handler still running after ${elapsedMs}ms (handlerTimeoutMs)`);
  }
}
registerErrorClass(HandlerTimeoutError, "HandlerTimeoutError");

/** Kinds that no redelivery can fix: the message goes to the dead-letter stream and is terminated. */
const DEAD_LETTER_KINDS: ReadonlySet<ErrorKind> = new Set(["invalid_input", "permanent"]);

export function isPermanent(err: unknown): boolean {
  const kind = errorKindOf(err);
  return kind !== undefined && DEAD_LETTER_KINDS.has(kind);
}

export const isUnavailable = (err: unknown): boolean => err instanceof UnavailableError;

/**
 * How the bus settles a delivery whose handler failed: permanent errors and invalid input are
 * dead-lettered and terminated; everything else is redelivered after `delayMs` (the error's own
 * retryAfterMs when it has one), or after the consumer's back-off when `delayMs` is undefined.
 * Out of deliveries, the consumer dead-letters anyway.
 */
export type Settlement = { action: "dead_letter" } | { action: "redeliver"; delayMs: number | undefined };

export function settlementOf(err: unknown): Settlement {
  if (isPermanent(err)) return { action: "dead_letter" };
  return { action: "redeliver", delayMs: retryAfterOf(err) };
}

/**
 * The retry delay a failure asks for, if any: a Vigil error's `retryAfterMs`, or a numeric `retryAfterMs`
 * on any thrown object (handlers may throw plain objects, null or strings: none of them may crash the runner).
 */
export function retryAfterOf(err: unknown): number | undefined {
  // Read by shape on purpose: a plain object's hint counts too, and a Vigil error has the same field.
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
