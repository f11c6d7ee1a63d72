import type { ErrorCode, ErrorEnvelope } from "@vigil/contracts";
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

/** Thrown by handlers; the error middleware renders it as the REST error envelope. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.status = statusCodes[code];
  }
}

export function requestIdOf(req: Request): string {
  return String((req as Request & { id?: unknown }).id ?? "");
}

export function metadata(req: Request) {
  return { requestId: requestIdOf(req), timestamp: new Date().toISOString() };
}

export function sendError(req: Request, res: Response, code: ErrorCode, message: string, details?: unknown): void {
  const body: ErrorEnvelope = { error: { code, message, ...(details === undefined ? {} : { details }) }, metadata: metadata(req) };
  res.status(statusCodes[code]).json(body);
}

export function sendData(req: Request, res: Response, data: unknown, status = 200): void {
  res.status(status).json({ data, metadata: metadata(req) });
}

/** A route handler answering 405 with `Allow`, for the methods a path does not support. */
export function methodNotAllowed(...allowed: string[]) {
  return (req: Request, res: Response) => {
    res.setHeader("Allow", allowed.join(", "));
    sendError(req, res, "METHOD_NOT_ALLOWED", `${req.method} is not supported on ${req.path}; use ${allowed.join(" or ")}`);
  };
}
