import { createHash, timingSafeEqual } from "node:crypto";
import { HttpError } from "./http-errors.js";
import type { NextFunction, Request, Response } from "express";

export interface AuthConfig {
  bearerToken?: string;
  basic?: { user: string; password: string };
}

// Hashing first gives equal-length inputs, so the comparison time says nothing about the secret.
const digest = (s: string) => createHash("sha256").update(s).digest();
const safeEqual = (given: string, expected: Buffer) => timingSafeEqual(digest(given), expected);

/** A constant-time check of a presented secret (a bearer token from HTTP or gRPC metadata). */
export function secretMatches(given: string, expected: string): boolean {
  return safeEqual(given, digest(expected));
}

/**
 * Bearer token or basic auth (what Alertmanager's http_config and most producers can send). When either
 * is configured the request must carry a matching one; with both configured, either is accepted. No config: open.
 */
export function requireAuth(config: AuthConfig) {
  const bearer = config.bearerToken ? digest(config.bearerToken) : undefined;
  const basic = config.basic ? digest(`${config.basic.user}:${config.basic.password}`) : undefined;
  const challenge = [bearer ? 'Bearer realm="vigil"' : "", basic ? 'Basic realm="vigil"' : ""].filter(Boolean).join(", ");

  return (req: Request, _res: Response, next: NextFunction) => {
    if (!bearer && !basic) return next();
    const header = req.headers.authorization ?? "";
    const space = header.indexOf(" ");
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    let ok = false;
    if (space > 0 && scheme === "bearer" && bearer) ok = safeEqual(value, bearer);
    else if (space > 0 && scheme === "basic" && basic) ok = safeEqual(Buffer.from(value, "base64").toString("utf8"), basic);
    if (ok) return next();
    next(
      new HttpError(
        "UNAUTHORIZED",
        header ? "the credentials are not valid" : "authentication required: send the configured bearer token or basic auth",
        undefined,
        {
          "WWW-Authenticate": challenge,
        },
      ),
    );
  };
}
