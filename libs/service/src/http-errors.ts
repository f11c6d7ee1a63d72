// The one place errors become HTTP answers: the error middleware renders anything thrown with
// `errorResponse`, so routes throw errors of the hierarchy (@vigil/errors) and never build error responses.
import type { ErrorCode, ErrorEnvelope } from "@vigil/contracts";
import { type ErrorKind, registerErrorClass, VigilError } from "@vigil/errors";
import type { Request, Response } from "express";

const statusCodes: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RESOURCE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 504,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** The envelope code of each kind of the hierarchy. */
const codeOfKind: Record<ErrorKind, ErrorCode> = {
  invalid_input: "BAD_REQUEST",
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  not_found: "RESOURCE_NOT_FOUND",
  conflict: "CONFLICT",
  timeout: "REQUEST_TIMEOUT",
  unavailable: "SERVICE_UNAVAILABLE",
  retryable: "SERVICE_UNAVAILABLE",
  permanent: "INTERNAL_ERROR",
};

/** The kind of each envelope code, so an HttpError is a full member of the hierarchy (e.g. for the bus). */
const kindOfCode: Record<ErrorCode, ErrorKind> = {
  BAD_REQUEST: "invalid_input",
  UNAUTHORIZED: "unauthorized",
  FORBIDDEN: "forbidden",
  RESOURCE_NOT_FOUND: "not_found",
  METHOD_NOT_ALLOWED: "invalid_input",
  REQUEST_TIMEOUT: "timeout",
  CONFLICT: "conflict",
  PAYLOAD_TOO_LARGE: "invalid_input",
  UNSUPPORTED_MEDIA_TYPE: "invalid_input",
  TOO_MANY_REQUESTS: "retryable",
  INTERNAL_ERROR: "permanent",
  SERVICE_UNAVAILABLE: "unavailable",
};

/**
 * An answer only HTTP has words for: 405 with Allow, 413, 415, 401 with WWW-Authenticate. Protocol
 * middleware throws it; application code throws the hierarchy's classes (InvalidInputError, ...).
 */
export class HttpError extends VigilError {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(kindOfCode[code], message, { details });
    this.status = statusCodes[code];
  }
}
registerErrorClass(HttpError, "HttpError");

export interface ErrorResponse {
  status: number;
  code: ErrorCode;
  message: string;
  details: unknown;
  headers: Readonly<Record<string, string>>;
}

/**
 * How anything thrown is answered. An error of the hierarchy shows its message and details (they are
 * written for the caller), with Retry-After when it knows how long to wait; anything else is a bug whose
 * text may leak internals, hence `undefined`: the middleware logs it and answers a bare 500.
 */
export function errorResponse(err: unknown): ErrorResponse | undefined {
  if (err instanceof HttpError)
    return { status: err.status, code: err.code, message: err.message, details: err.details, headers: err.headers };
  if (!(err instanceof VigilError)) return undefined;
  const waitMs = err.retryAfterMs;
  const headers: Record<string, string> = waitMs === undefined ? {} : { "Retry-After": String(Math.ceil(waitMs / 1000)) };
  const code = codeOfKind[err.kind];
  return { status: statusCodes[code], code, message: err.message, details: err.details, headers };
}

export function requestIdOf(req: Request): string {
  const id = (req as Request & { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? String(id) : "";
}

export function metadata(req: Request) {
  return { requestId: requestIdOf(req), timestamp: new Date().toISOString() };
}

/** An answer for what was not an error of the hierarchy: a bug, whose own message may leak internals. */
export const INTERNAL_ERROR_RESPONSE: ErrorResponse = {
  status: 500,
  code: "INTERNAL_ERROR",
  message: "internal error; see the service log for this request id",
  details: undefined,
  headers: {},
};

/** Writes the REST error envelope; only the kit's error middleware calls it. */
export function sendError(req: Request, res: Response, answer: ErrorResponse): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  const { code, message, details } = answer;
  const body: ErrorEnvelope = { error: { code, message, ...(details === undefined ? {} : { details }) }, metadata: metadata(req) };
  res.status(answer.status).json(body);
}

export function sendData(req: Request, res: Response, data: unknown, status = 200): void {
  res.status(status).json({ data, metadata: metadata(req) });
}

/** A route handler answering 405 with `Allow`, for the methods a path does not support. */
export function methodNotAllowed(...allowed: string[]) {
  return (req: Request) => {
    const message = `${req.method} is not supported on ${req.path}; use ${allowed.join(" or ")}`;
    throw new HttpError("METHOD_NOT_ALLOWED", message, undefined, { Allow: allowed.join(", ") });
  };
}
