// One error type for every failed Kubernetes call, whichever way it was made (this layer's requests,
// client-node's typed calls whose ApiException carries the Status as a JSON string, or its Watch): the
// HTTP status, the Status reason and message, whether retrying can help, and for 403 which permission was
// missing, so the executor can report an RBAC failure precisely instead of retrying it.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** What a 403 says was refused: "User "x" cannot patch resource "deployments" in API group "apps" in the namespace "shop"". */
export interface ForbiddenDetail {
  user?: string;
  verb: string;
  /** The plural, without the subresource. */
  resource: string;
  subresource?: string;
  /** "" for the core group. */
  group: string;
  /** Absent for cluster-scope refusals. */
  namespace?: string;
}

/** What the failed call was about, when the caller knows. */
export interface ErrorTarget {
  kind?: string;
  name?: string;
  namespace?: string;
  /** e.g. "GET /api/v1/pods", for errors without an HTTP answer. */
  request?: string;
}

interface KubeApiErrorInit extends ErrorTarget {
  status: number;
  reason: string;
  message: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
  cause?: unknown;
}

const RETRYABLE_STATUS = new Set([0, 408, 429, 500, 502, 503, 504]);
const RETRYABLE_REASON = new Set([
  "Conflict",
  "ServerTimeout",
  "Timeout",
  "TooManyRequests",
  "InternalError",
  "ServiceUnavailable",
  "Unreachable",
]);
const FORBIDDEN = /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]*)")?/;

export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  /** The HTTP status; 0 when there was no answer (unreachable, timed out, aborted). */
  readonly status: number;
  /** The Status reason (NotFound, Conflict, Forbidden, Invalid, ...), or Unreachable / Timeout / Aborted. */
  readonly reason: string;
  /** Whether the same call may succeed later: network trouble, throttling, server errors, write conflicts. */
  readonly retryable: boolean;
  readonly kind: string | undefined;
  readonly objectName: string | undefined;
  readonly namespace: string | undefined;
  readonly causes: StatusCause[];
  readonly retryAfterSeconds: number | undefined;
  /** For 403: the verb and resource that the identity lacks. */
  readonly forbidden: ForbiddenDetail | undefined;

  constructor(init: KubeApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.reason = init.reason;
    this.kind = init.kind;
    this.objectName = init.name;
    this.namespace = init.namespace;
    this.causes = init.causes ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.retryable = init.reason === "Aborted" ? false : RETRYABLE_STATUS.has(init.status) || RETRYABLE_REASON.has(init.reason);
    this.forbidden = init.status === 403 ? parseForbidden(init.message) : undefined;
  }

  /** From an HTTP answer: the body is a Status (JSON) on a real API server, anything else on a proxy. */
  static fromResponse(status: number, body: string, target: ErrorTarget = {}): KubeApiError {
    let parsed:
      | { message?: unknown; reason?: unknown; details?: { kind?: unknown; name?: unknown; causes?: unknown; retryAfterSeconds?: unknown } }
      | undefined;
    try {
      const json: unknown = JSON.parse(body);
      if (json && typeof json === "object") parsed = json;
    } catch {
      // not JSON: a proxy or load balancer answered
    }
    const text = body.trim().slice(0, 500);
    const message = typeof parsed?.message === "string" && parsed.message ? parsed.message : text || `HTTP ${status}`;
    const reason = typeof parsed?.reason === "string" && parsed.reason ? parsed.reason : reasonOfStatus(status);
    const details = parsed?.details;
    const causes = Array.isArray(details?.causes) ? (details.causes as StatusCause[]) : [];
    const retryAfter = typeof details?.retryAfterSeconds === "number" ? details.retryAfterSeconds : undefined;
    const kind = target.kind ?? (typeof details?.kind === "string" ? details.kind : undefined);
    const name = target.name ?? (typeof details?.name === "string" ? details.name : undefined);
    return new KubeApiError({
      status,
      reason,
      message,
      causes,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      ...(kind !== undefined ? { kind } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    });
  }
}

/** Any failure of a Kubernetes call → KubeApiError (returned as is when it already is one). */
export function toKubeApiError(err: unknown, target: ErrorTarget = {}): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const e = (err ?? {}) as { code?: unknown; body?: unknown; statusCode?: unknown; name?: unknown; message?: unknown };
  // client-node's ApiException: code is the HTTP status, body the Status as a JSON string.
  if (typeof e.code === "number" && e.code >= 100) {
    const body = typeof e.body === "string" ? e.body : e.body === undefined ? "" : JSON.stringify(e.body);
    return KubeApiError.fromResponse(e.code, body, target);
  }
  // client-node's Watch: an Error with statusCode and the status text.
  if (typeof e.statusCode === "number")
    return KubeApiError.fromResponse(e.statusCode, typeof e.message === "string" ? e.message : "", target);
  const message = err instanceof Error ? err.message : String(err);
  const prefix = target.request ? `${target.request}: ` : "";
  const base = { ...target, cause: err };
  if (e.name === "TimeoutError")
    return new KubeApiError({ ...base, status: 0, reason: "Timeout", message: `${prefix}no answer in time (request timeout)` });
  if (e.name === "AbortError") return new KubeApiError({ ...base, status: 0, reason: "Aborted", message: `${prefix}aborted` });
  return new KubeApiError({ ...base, status: 0, reason: "Unreachable", message: `${prefix}${message}` });
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.status === 404;
export const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409;

function parseForbidden(message: string): ForbiddenDetail | undefined {
  const m = FORBIDDEN.exec(message);
  if (!m) return undefined;
  const [, user, verb = "", resource = "", group = "", namespace] = m;
  const slash = resource.indexOf("/");
  return {
    ...(user ? { user } : {}),
    verb,
    resource: slash < 0 ? resource : resource.slice(0, slash),
    ...(slash < 0 ? {} : { subresource: resource.slice(slash + 1) }),
    group,
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

function reasonOfStatus(status: number): string {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "Unknown";
  }
}
