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

export const isPermanent = (err: unknown): boolean =>
  err instanceof Error && (err.name === "PermanentError" || err.name === "InvalidMessageError");

export const isUnavailable = (err: unknown): boolean => err instanceof Error && err.name === "BusUnavailableError";

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
