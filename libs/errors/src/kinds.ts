// One class per kind, so code throws `new NotFoundError(...)` and catches with `instanceof NotFoundError`.
// Packages may subclass these for a more specific name (the bus's InvalidMessageError is an
// InvalidInputError); they may not invent kinds.
import { type ErrorOptions, registerErrorClass, type RetryOptions, VigilError } from "./vigil-error.js";

export class InvalidInputError extends VigilError {
  constructor(message: string, options?: ErrorOptions) {
    super("invalid_input", message, options);
  }
}
registerErrorClass(InvalidInputError, "InvalidInputError");

export class UnauthorizedError extends VigilError {
  constructor(message: string, options?: ErrorOptions) {
    super("unauthorized", message, options);
  }
}
registerErrorClass(UnauthorizedError, "UnauthorizedError");

export class ForbiddenError extends VigilError {
  constructor(message: string, options?: ErrorOptions) {
    super("forbidden", message, options);
  }
}
registerErrorClass(ForbiddenError, "ForbiddenError");

export class NotFoundError extends VigilError {
  constructor(message: string, options?: ErrorOptions) {
    super("not_found", message, options);
  }
}
registerErrorClass(NotFoundError, "NotFoundError");

export class ConflictError extends VigilError {
  constructor(message: string, options?: ErrorOptions) {
    super("conflict", message, options);
  }
}
registerErrorClass(ConflictError, "ConflictError");

/** Named after gRPC's DEADLINE_EXCEEDED: "TimeoutError" is already the DOMException of AbortSignal.timeout. */
export class DeadlineExceededError extends VigilError {
  constructor(message: string, options?: ErrorOptions) {
    super("timeout", message, options);
  }
}
registerErrorClass(DeadlineExceededError, "DeadlineExceededError");

export class UnavailableError extends VigilError {
  constructor(message: string, options?: RetryOptions) {
    super("unavailable", message, options);
  }
}
registerErrorClass(UnavailableError, "UnavailableError");

export class RetryableError extends VigilError {
  constructor(message: string, options?: RetryOptions) {
    super("retryable", message, options);
  }
}
registerErrorClass(RetryableError, "RetryableError");

export class PermanentError extends VigilError {
  constructor(message: string, options?: ErrorOptions) {
    super("permanent", message, options);
  }
}
registerErrorClass(PermanentError, "PermanentError");
