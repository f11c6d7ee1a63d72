// One REST endpoint of the analyzer: its path, what it takes, what it answers (a zod schema from
// @vigil/contracts) and a handler that reads only caches. The router (router.ts) validates parameters
// (400 BAD_REQUEST), applies the request deadline (504 REQUEST_TIMEOUT), wraps the answer in the envelope
// and renders thrown errors; the OpenAPI document (openapi.ts) is generated from the same table, so the
// two cannot disagree. Routes are thin: the view they call lives in @vigil/analysis.
import type { AnalysisContext } from "@vigil/analysis";
import type { ErrorCode } from "@vigil/contracts";
import type { z } from "zod";
import type { IncidentReader } from "../pipeline/incident-reader.js";

/** What a handler may read: the analysis context of this request (cluster time taken when it started) and incidents. */
export interface ApiContext extends AnalysisContext {
  incidents: IncidentReader;
}

export interface ApiRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  /** Express path with `:param` segments, e.g. `/api/v1/pods/:namespace/:pod/describe`. */
  path: string;
  /** OpenAPI operationId; unique. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Path parameters (every `:param` of the path, as strings). */
  params: P;
  /** Query parameters; omit for none. */
  query?: Q;
  /** Schema of `data` in the success envelope. */
  response: R;
  /**
   * Served from a snapshot (see snapshots.ts): answers over the whole cluster that cannot meet the latency goal when
   * computed per request. Younger than `freshMs` it is served as is; older, it is refreshed in the background.
   */
  snapshot?: { freshMs: number; maxAgeMs: number };
  /** Error codes this route can answer besides BAD_REQUEST, REQUEST_TIMEOUT and INTERNAL_ERROR (always possible). */
  errors: readonly ErrorCode[];
  /** Builds `data`; throw NotFoundError / UnavailableError (@vigil/errors) for 404 / 503. `signal` aborts at the deadline. */
  handler(input: {
    params: z.output<P>;
    query: Q extends z.ZodType ? z.output<Q> : undefined;
    ctx: ApiContext;
    signal: AbortSignal;
  }): z.input<R> | Promise<z.input<R>>;
}

/** Types a route; the table holds them as `ApiRoute`. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, R extends z.ZodType>(route: ApiRoute<P, Q, R>): ApiRoute {
  return route;
}
