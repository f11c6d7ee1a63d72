// Kubernetes `Status` errors: every failure the API returns has this shape, so clients (kubectl, client-node)
// print the same messages they print against a real API server.
export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "MethodNotAllowed"
  | "TooManyRequests"
  | "Gone"
  | "Expired"
  | "UnsupportedMediaType"
  | "NotAcceptable"
  | "InternalError"
  | "Forbidden"
  | "Unauthorized";

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods "web-1"` / `deployments.apps "web"`: how the API server names an object in messages. */
export const qualified = (resource: string, group: string): string => (group ? `${resource}.${group}` : resource);

export const notFound = (resource: string, group: string, name: string): ApiError =>
  new ApiError(404, "NotFound", `${qualified(resource, group)} "${name}" not found`, { name, group, kind: resource });

export const alreadyExists = (resource: string, group: string, name: string): ApiError =>
  new ApiError(409, "AlreadyExists", `${qualified(resource, group)} "${name}" already exists`, { name, group, kind: resource });

export const conflict = (resource: string, group: string, name: string): ApiError =>
  new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );

export const invalid = (kind: string, group: string, name: string, causes: StatusCause[]): ApiError =>
  new ApiError(
    422,
    "Invalid",
    `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${causes.map((c) => `${c.field ? `${c.field}: ` : ""}${c.message}`).join(", ")}`,
    {
      name,
      group,
      kind,
      causes: causes.map((c) => ({ reason: c.reason ?? "FieldValueInvalid", message: c.message, ...(c.field ? { field: c.field } : {}) })),
    },
  );

export const badRequest = (message: string): ApiError => new ApiError(400, "BadRequest", message);

export const gone = (message: string): ApiError => new ApiError(410, "Expired", message);
