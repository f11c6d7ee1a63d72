// The base of Vigil's error hierarchy, modelled on Temporal's ApplicationFailure and Backstage's
// CustomErrorBase: every failure a caller should react to carries a `kind` from one closed list, and the
// places that react (the service kit's HTTP error middleware, the bus's ack/nak/term) switch on the kind
// only. Classes are conveniences for throwing and catching one kind; the kind is what gets mapped.

/**
 * The closed list of kinds. Adding one means extending both mappings (HTTP status in `@vigil/service`,
 * redelivery in `@vigil/bus`); the compiler points at them, since both are exhaustive records.
 */
export type ErrorKind =
  /** The caller sent something that will never be accepted as is (HTTP 400; the bus dead-letters). */
  | "invalid_input"
  /** No or wrong credentials (HTTP 401). */
  | "unauthorized"
  /** Valid credentials without the right to do this (HTTP 403). */
  | "forbidden"
  /** The thing asked for does not exist (HTTP 404). */
  | "not_found"
  /** The request clashes with the current state, e.g. a concurrent write (HTTP 409). */
  | "conflict"
  /** Something did not answer in time (HTTP 504). */
  | "timeout"
  /** A dependency (NATS, a stream, a database) is unreachable right now (HTTP 503 with Retry-After). */
  | "unavailable"
  /** The operation may succeed later, possibly after `retryAfterMs` (HTTP 503; the bus naks with that delay). */
  | "retryable"
  /** Retrying cannot help: a bug or a state that needs a human (HTTP 500; the bus dead-letters). */
  | "permanent";

export interface ErrorOptions {
  /** Machine-readable facts for the caller: rendered as `error.details` in HTTP envelopes. */
  details?: unknown;
  /** The underlying failure, kept for logs (pino serialises `cause`). */
  cause?: unknown;
}

export interface RetryOptions extends ErrorOptions {
  /** How long to wait before trying again, when the thrower knows (HTTP Retry-After, the bus's nak delay). */
  retryAfterMs?: number;
}

const ordinaryInstanceOf = Function.prototype[Symbol.hasInstance];

/**
 * Gives an error class a `name` and an `instanceof` that survives duplicate copies of the package that
 * defines it (two versions in node_modules, or source and dist loaded side by side): instances carry a
 * registered symbol `Symbol.for("@vigil/errors:<name>")` on their prototype, and `instanceof` looks for
 * it instead of comparing prototypes. This is Temporal's SymbolBasedInstanceOfError. `name` must be
 * unique across Vigil; subclasses that are not registered themselves get the ordinary `instanceof`.
 */
export function registerErrorClass(errorClass: abstract new (...args: never[]) => Error, name: string): void {
  const brand = Symbol.for(`@vigil/errors:${name}`);
  Object.defineProperty(errorClass.prototype, "name", { value: name, writable: true, configurable: true });
  Object.defineProperty(errorClass.prototype, brand, { value: true });
  Object.defineProperty(errorClass, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      // A subclass inherits this static method: for an unregistered one, fall back to the prototype chain.
      if (this !== errorClass) return ordinaryInstanceOf.call(this, value);
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
    },
  });
}

/** The base every Vigil error extends; throw one of the concrete classes (see kinds.ts), never this. */
export abstract class VigilError extends Error {
  readonly kind: ErrorKind;
  // `declare`d and set only when given, so logs of an error show no `details: undefined` noise.
  declare readonly details?: unknown;
  /** Set only for kinds where waiting helps (unavailable, retryable), and only when the thrower knows. */
  declare readonly retryAfterMs?: number;

  constructor(kind: ErrorKind, message: string, options: RetryOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    if (options.details !== undefined) Object.defineProperty(this, "details", { value: options.details, enumerable: true });
    if (options.retryAfterMs !== undefined) Object.defineProperty(this, "retryAfterMs", { value: options.retryAfterMs, enumerable: true });
  }
}
registerErrorClass(VigilError, "VigilError");

/** The kind of anything thrown, or undefined when it is not a Vigil error (a bug, a library's own error). */
export function errorKindOf(err: unknown): ErrorKind | undefined {
  return err instanceof VigilError ? err.kind : undefined;
}
