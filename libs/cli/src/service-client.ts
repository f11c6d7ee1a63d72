// The services' REST APIs as the CLI calls them: one request with a deadline, its latency, and the answer read
// through Vigil's envelopes. `data()` turns a failure into the @vigil/errors kind that gives the exit code, with the
// service's own message (the executor's "set EXECUTOR_API_TOKEN..." reaches the user verbatim) and what to do next.
import {
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
} from "@vigil/errors";
import { type CliConfig, type ServiceName, urlEnvOf, urlFlagOf } from "./config.js";

export interface CallOptions {
  method?: "GET" | "POST";
  /** JSON-encoded unless a string (sent as is, e.g. a saved alert file). */
  body?: unknown;
  /** Bearer token. */
  token?: string;
  query?: Record<string, string | number | undefined>;
}

export interface CallResult {
  status: number;
  /** Parsed JSON, or the text when not JSON, or undefined when empty. */
  body: unknown;
  ms: number;
  url: string;
}

interface Envelope {
  data?: unknown;
  error?: { code?: string; message?: string; details?: unknown };
}

const envelope = (body: unknown): Envelope => (body && typeof body === "object" ? body : {});

/** `in query "status": Invalid option...` lines from an error envelope's details, when it has them. */
function detailLines(details: unknown): string {
  if (!Array.isArray(details)) return "";
  const lines = details
    .filter((d): d is { name?: unknown; message?: unknown } => !!d && typeof d === "object")
    .map((d) => `  ${typeof d.name === "string" ? d.name : ""}: ${typeof d.message === "string" ? d.message : JSON.stringify(d.message)}`);
  return lines.length > 0 ? `\n${lines.join("\n")}` : "";
}

export class ServiceClient {
  constructor(private readonly config: CliConfig) {}

  urlOf(service: ServiceName): string {
    return this.config.urls[service];
  }

  /** One request; throws only when there is no HTTP answer (unreachable, timed out). */
  async call(service: ServiceName, path: string, opts: CallOptions = {}): Promise<CallResult> {
    const url = new URL(`${this.config.urls[service]}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, {
        method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
        headers: {
          accept: "application/json",
          ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
        ...(opts.body !== undefined ? { body: typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body) } : {}),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      throw this.unreachable(service, err);
    }
    const text = await res.text().catch(() => "");
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, body, ms: performance.now() - started, url: url.toString() };
  }

  /** The `data` of a 2xx answer; any other answer becomes the error of its kind. */
  async data<T = unknown>(service: ServiceName, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.call(service, path, opts);
    if (res.status >= 200 && res.status < 300) return envelope(res.body).data as T;
    throw this.failure(service, res);
  }

  /** The error a non-2xx answer means, with the service's message. */
  failure(service: ServiceName, res: CallResult): Error {
    const { error } = envelope(res.body);
    const said = error?.message ?? (typeof res.body === "string" ? res.body.slice(0, 200) : `HTTP ${res.status}`);
    const message = `${service} answered ${res.status}: ${said}${detailLines(error?.details)}`;
    const details = { service, status: res.status, url: res.url, ...(error ? { error } : {}) };
    switch (res.status) {
      case 400:
      case 422:
        return new InvalidInputError(message, { details });
      case 401:
        return new UnauthorizedError(message, { details });
      case 403:
        return new ForbiddenError(message, { details });
      case 404:
        return new NotFoundError(message, { details });
      case 409:
        return new ConflictError(message, { details });
      default:
        return new UnavailableError(message, { details });
    }
  }

  private unreachable(service: ServiceName, err: unknown): Error {
    const url = this.config.urls[service];
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    const hint = `is it running? Point the CLI at it with --${urlFlagOf(service)} or ${urlEnvOf(service)} (or --host / VIGIL_HOST)`;
    return timedOut
      ? new DeadlineExceededError(`${service} at ${url} did not answer within ${this.config.timeoutMs} ms (--timeout); ${hint}`)
      : new UnavailableError(`cannot reach ${service} at ${url} (${cause}); ${hint}`, { cause: err });
  }
}
