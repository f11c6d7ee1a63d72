// Bearer-token check for both RPCs: the same shared secret as the HTTP API's `Authorization: Bearer`, sent as
// gRPC metadata (which is HTTP/2 headers, so curl-style tooling and proxies treat it alike).
import { createHash, timingSafeEqual } from "node:crypto";
import { Metadata, status, type ServiceError } from "@grpc/grpc-js";

export interface IngestAuth {
  /** Required in `authorization: Bearer <token>` metadata on every call. */
  token: string;
}

/**
 * A checker returning undefined when the call may proceed, else the UNAUTHENTICATED error to answer with.
 * Without a token every call proceeds (a node-local socket, or a NetworkPolicy doing the job).
 */
export function bearerCheck(auth: IngestAuth | undefined): (metadata: Metadata) => ServiceError | undefined {
  if (!auth) return () => undefined;
  if (!auth.token) throw new Error("ingest auth: token must not be empty");
  // Compared as digests so timingSafeEqual gets equal lengths and the token's length does not leak either.
  const expected = digest(auth.token);
  return (metadata) => {
    const values = metadata.get("authorization");
    if (values.length === 0) return unauthenticated("missing authorization metadata: send `authorization: Bearer <token>`");
    const header = values[0];
    const match = typeof header === "string" ? /^Bearer[ \t]+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) return unauthenticated("authorization metadata must be `Bearer <token>`");
    if (!timingSafeEqual(digest(match[1]), expected)) return unauthenticated("invalid bearer token");
    return undefined;
  };
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

function unauthenticated(details: string): ServiceError {
  return Object.assign(new Error(details), { code: status.UNAUTHENTICATED, details, metadata: new Metadata() });
}
