// The OpenAPI 3.1 document of the analyzer's API, generated from the same route table the router serves, so
// the two cannot drift: path and query parameters from the routes' zod schemas, the answer wrapped in the
// success envelope, and the error envelope for each code the route can answer. Served at OPENAPI_PATH.
import { type ErrorCode, responseMetadata, successEnvelope } from "@vigil/contracts";
import { z } from "zod";
import { type JsonSchema, SchemaComponents } from "./json-schema.js";
import { pathParamNames } from "./request-input.js";
import type { ApiRoute } from "./route.js";

export const OPENAPI_PATH = "/api/v1/openapi.json";

/** Codes every route may answer: bad parameters, the deadline, a bug. */
export const ALWAYS_POSSIBLE: readonly ErrorCode[] = ["BAD_REQUEST", "REQUEST_TIMEOUT", "INTERNAL_ERROR"];

const HTTP_STATUS: Partial<Record<ErrorCode, { status: string; description: string }>> = {
  BAD_REQUEST: { status: "400", description: "A path or query parameter is missing or invalid" },
  RESOURCE_NOT_FOUND: { status: "404", description: "The object is not in the cluster (as the analyzer's caches see it)" },
  CONFLICT: { status: "409", description: "The request conflicts with the current state" },
  INTERNAL_ERROR: { status: "500", description: "A bug; the service log has the details under the request id" },
  SERVICE_UNAVAILABLE: { status: "503", description: "A source this answer needs is missing (metrics-server, node telemetry)" },
  REQUEST_TIMEOUT: { status: "504", description: "The answer took longer than REQUEST_TIMEOUT" },
};

export interface OpenApiOptions {
  /** Fail on anything JSON Schema cannot express instead of documenting it as "any value" (tests). */
  strict?: boolean;
}

/** The codes a route documents: the always-possible ones plus its own, in a stable order. */
export function documentedErrors(route: ApiRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>([...ALWAYS_POSSIBLE, ...route.errors]);
  return [...codes].sort((a, b) => Number(statusOf(a)) - Number(statusOf(b)));
}

export function statusOf(code: ErrorCode): string {
  const entry = HTTP_STATUS[code];
  if (!entry) throw new Error(`error code ${code} is not one the analyzer's API answers`);
  return entry.status;
}

/** `/api/v1/pods/:namespace/:pod/describe` → `/api/v1/pods/{namespace}/{pod}/describe`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, "{$1}");

export function openApiDocument(routes: readonly ApiRoute[], opts: OpenApiOptions = {}) {
  const components = new SchemaComponents();
  const paths: Record<string, { get: Record<string, unknown> }> = {};
  for (const route of routes) {
    paths[openApiPath(route.path)] = { get: operation(route, components, opts) };
  }
  const tags = [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name }));
  const errorCodes = [...new Set(routes.flatMap(documentedErrors))];
  return {
    openapi: "3.1.0",
    info: {
      title: "Vigil analyzer",
      version: "v1",
      description:
        "Cluster analysis served from the analyzer's caches. Every answer is `{data, metadata: {requestId, timestamp}}`; " +
        "every error `{error: {code, message, details}, metadata}`. `requestId` echoes X-Request-ID when one is sent.",
    },
    tags,
    paths,
    components: {
      schemas: components.schemas,
      parameters: {
        RequestId: {
          name: "X-Request-ID",
          in: "header",
          required: false,
          description: "Your id for this request (1-128 of [A-Za-z0-9_.:-]); echoed in metadata.requestId and the X-Request-ID header",
          schema: { type: "string", pattern: "^[\\w.:-]{1,128}$" },
        },
      },
      headers: { RequestId: { description: "The request id (yours, or a generated UUID)", schema: { type: "string" } } },
      responses: Object.fromEntries(errorCodes.map((code) => [code, errorResponse(code, components)])),
    },
  };
}

function operation(route: ApiRoute, components: SchemaComponents, opts: OpenApiOptions): Record<string, unknown> {
  const scope = route.operationId;
  const pathSchema = components.convert(route.params, { io: "input", scope, strict: opts.strict });
  const pathProperties = (pathSchema.properties ?? {}) as Record<string, JsonSchema>;
  const parameters: unknown[] = pathParamNames(route.path).map((name) =>
    parameter(name, "path", true, pathProperties[name] ?? { type: "string" }),
  );
  if (route.query) {
    const querySchema = components.convert(route.query, { io: "input", scope, strict: opts.strict });
    const required = new Set((querySchema.required ?? []) as string[]);
    for (const [name, schema] of Object.entries((querySchema.properties ?? {}) as Record<string, JsonSchema>)) {
      parameters.push(parameter(name, "query", required.has(name), schema));
    }
  }
  parameters.push({ $ref: "#/components/parameters/RequestId" });
  const success = components.convert(successEnvelope(route.response), { io: "output", scope, strict: opts.strict });
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    parameters,
    responses: {
      "200": {
        description: route.summary,
        headers: { "X-Request-ID": { $ref: "#/components/headers/RequestId" } },
        content: { "application/json": { schema: success } },
      },
      ...Object.fromEntries(documentedErrors(route).map((code) => [statusOf(code), { $ref: `#/components/responses/${code}` }])),
    },
  };
}

function parameter(name: string, where: "path" | "query", required: boolean, schema: JsonSchema) {
  const { description, ...rest } = schema;
  return { name, in: where, required, ...(typeof description === "string" ? { description } : {}), schema: rest };
}

function errorResponse(code: ErrorCode, components: SchemaComponents) {
  const envelope = z.object({
    error: z.object({ code: z.literal(code), message: z.string(), details: z.unknown().optional() }),
    metadata: responseMetadata,
  });
  return {
    description: HTTP_STATUS[code]!.description,
    headers: { "X-Request-ID": { $ref: "#/components/headers/RequestId" } },
    content: { "application/json": { schema: components.convert(envelope, { io: "output", scope: code }) } },
  };
}
