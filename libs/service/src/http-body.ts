import type { NextFunction, Request, Response } from "express";
import { HttpError } from "./http-errors.js";

/** body-parser errors (size, aborted upload) as envelopes; 413 comes from Content-Length before the body is read. */
export function bodyErrors(
  err: { type?: string; status?: number; message?: string },
  _req: Request,
  _res: Response,
  next: NextFunction,
): void {
  if (typeof err.type !== "string") return next(err); // not from body-parser
  if (err.type === "entity.too.large") return next(new HttpError("PAYLOAD_TOO_LARGE", err.message ?? "request body too large"));
  if (err.status && err.status >= 400 && err.status < 500)
    return next(new HttpError("BAD_REQUEST", `could not read the request body: ${err.message}`));
  next(err);
}
