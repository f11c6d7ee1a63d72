// The "parse" step of the intake: an HTTP body becomes a validated Alertmanager v4 payload, or an
// error of the hierarchy that the service kit renders (415 for the media type, 400 for the body).
import { alertmanagerWebhook, type AlertmanagerWebhook } from "@vigil/contracts";
import { describeZodError } from "@vigil/bus";
import { InvalidInputError } from "@vigil/errors";
import { HttpError } from "@vigil/service";
import type { NextFunction, Request, Response } from "express";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** Refuses a body not declared as UTF-8 JSON before reading it. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const [mediaType = "", ...params] = (req.headers["content-type"] ?? "").split(";").map((s) => s.trim());
  const charset = params
    .find((p) => p.toLowerCase().startsWith("charset="))
    ?.slice(8)
    .replace(/"/g, "");
  if (!JSON_TYPE.test(mediaType)) {
    return next(new HttpError("UNSUPPORTED_MEDIA_TYPE", `expected Content-Type application/json, got ${mediaType || "none"}`));
  }
  if (charset && !/^utf-?8$/i.test(charset))
    return next(new HttpError("UNSUPPORTED_MEDIA_TYPE", `unsupported charset ${charset}; send UTF-8`));
  next();
}

/** The raw body as a payload; the schema's complaints name their fields in `details.fields`. */
export function parsePayload(body: unknown): AlertmanagerWebhook {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new InvalidInputError("empty body: expected an Alertmanager webhook payload");
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new InvalidInputError(`invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = alertmanagerWebhook.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.slice(0, 20).map((i) => ({ field: i.path.join(".") || "(root)", message: i.message }));
    throw new InvalidInputError(`invalid Alertmanager payload: ${describeZodError(parsed.error)}`, { details: { fields } });
  }
  return parsed.data;
}
