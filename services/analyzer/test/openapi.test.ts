// The OpenAPI document against the routes really served: same paths both ways (the express router stack walked),
// unique operationIds, schemas that are valid JSON Schema and accept what the API really answers, and error
// codes each route can really produce, shown by probing every route of the table on the `healthy` scenario.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ErrorCode } from "@vigil/contracts";
import type express from "express";
import { z } from "zod";
import { ALWAYS_POSSIBLE, OPENAPI_PATH, openApiDocument, openApiPath } from "../src/api/openapi.js";
import { pathParamNames } from "../src/api/request-input.js";
import type { ApiRoute } from "../src/api/route.js";
import { apiRoutes } from "../src/api/routes/index.js";
import { type ApiHarness, startApi } from "./api-harness.js";
import { machineryRoutes } from "./api-test-routes.js";

type Json = Record<string, unknown>;
type OpenApi = ReturnType<typeof openApiDocument>;

/** GET routes under /api/ in an express app, found by walking its router stack (nested routers included). */
function servedGetPaths(app: express.Express): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route?.methods.get && layer.route.path.startsWith("/api/")) found.push(layer.route.path);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

/** Follows a local `$ref` (`#/components/...`) in the document. */
function resolve(doc: Json, ref: string): Json {
  return ref
    .slice(2)
    .split("/")
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc) as Json;
}

/** A document schema as a standalone JSON Schema (components as $defs), then as zod to validate with. */
function validatorOf(doc: OpenApi, schema: unknown): z.ZodType {
  const standalone = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"#/$defs/')) as Json;
  const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) as Json;
  return z.fromJSONSchema({ ...standalone, $defs: defs } as never);
}

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

/** The schema a documented answer has for `status`; undefined when that status is not documented. */
function documentedSchema(doc: OpenApi, route: ApiRoute, status: number): unknown {
  const responses = (doc.paths[openApiPath(route.path)]!.get.responses as Record<string, Json>)[String(status)];
  if (!responses) return undefined;
  const response = typeof responses.$ref === "string" ? resolve(doc, responses.$ref) : responses;
  return ((response.content as Json)["application/json"] as Json).schema;
}

describe("OpenAPI document", () => {
  let api: ApiHarness;
  let doc: OpenApi;
  let existing: Record<string, string>;

  before(async () => {
    api = await startApi({ scenario: "healthy" });
    const res = await api.get<OpenApi>(OPENAPI_PATH);
    assert.equal(res.status, 200);
    doc = res.body;
    const pod = api.sim.list("Pod", "shop").find((p) => p.status?.phase === "Running" && p.spec?.nodeName)!;
    existing = { namespace: "shop", pod: pod.metadata.name!, node: pod.spec!.nodeName! };
  });
  after(() => api?.stop());

  test("is OpenAPI 3.1, served as generated from the route table", () => {
    assert.equal(doc.openapi, "3.1.0");
    assert.deepEqual(doc, JSON.parse(JSON.stringify(openApiDocument(apiRoutes))));
  });

  test("documents exactly the routes the router serves", () => {
    const served = servedGetPaths(api.app).filter((p) => p !== OPENAPI_PATH);
    assert.deepEqual(new Set(served.map(openApiPath)), new Set(Object.keys(doc.paths)));
    assert.deepEqual(new Set(apiRoutes.map((r) => openApiPath(r.path))), new Set(Object.keys(doc.paths)));
    assert.equal(served.length, apiRoutes.length, "no route is registered twice");
  });

  test("operationIds are unique and every path parameter is documented", () => {
    const ids = Object.values(doc.paths).map((p) => p.get.operationId as string);
    assert.equal(new Set(ids).size, ids.length, `duplicate operationIds: ${ids.join(", ")}`);
    for (const route of apiRoutes) {
      const params = (doc.paths[openApiPath(route.path)]!.get.parameters as Json[]).filter((p) => p.in === "path").map((p) => p.name);
      assert.deepEqual(params, pathParamNames(route.path), route.path);
    }
  });

  test("every schema is valid JSON Schema, every $ref resolves, and nothing is undocumentable", () => {
    assert.doesNotThrow(() => openApiDocument(apiRoutes, { strict: true }), "no Date, Map or other type JSON cannot carry");
    for (const ref of refsIn(doc)) assert.ok(resolve(doc, ref), `unresolved $ref ${ref}`);
    const schemas: Array<[string, unknown]> = Object.entries(doc.components.schemas);
    for (const [code, response] of Object.entries(doc.components.responses)) {
      schemas.push([`response ${code}`, (response.content["application/json"] as Json).schema]);
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const p of item.get.parameters as Json[]) if (p.schema) schemas.push([`${path} ${p.name as string}`, p.schema]);
      schemas.push([
        `${path} 200`,
        documentedSchema(
          doc,
          apiRoutes.find((r) => openApiPath(r.path) === path)!,
          200,
        ),
      ]);
    }
    for (const [where, schema] of schemas) assert.doesNotThrow(() => validatorOf(doc, schema), where);
  });

  test("each route's answers are documented, and each documented error code is one it really answers", async () => {
    const canShow = new Set<ErrorCode>([...ALWAYS_POSSIBLE, "RESOURCE_NOT_FOUND", "SERVICE_UNAVAILABLE"]);
    for (const route of apiRoutes) {
      const names = pathParamNames(route.path);
      const fill = (values: (name: string) => string) =>
        route.path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(values(name)));
      // Real objects of the scenario; objects that do not exist; an empty first segment. No usage, no telemetry, no incidents.
      const probes = [fill((n) => existing[n] ?? "x"), fill((n) => (n === "namespace" ? "shop" : `no-such-${n}`))];
      // `/api/v1/incidents/` (an empty last segment) is the list route, not a 400: only probe what no other route serves.
      const empty = fill((n) => (n === names[0] ? "" : (existing[n] ?? "x")));
      const emptyIsBadRequest = names.length > 0 && !apiRoutes.some((r) => r.path === empty.replace(/\/$/, ""));
      if (emptyIsBadRequest) probes.push(empty);
      const seen = new Set<string>();
      for (const path of probes) {
        const res = await api.get(path);
        assert.notEqual(res.status, 500, `${path}: ${JSON.stringify(res.body)}`);
        const schema = documentedSchema(doc, route, res.status);
        assert.ok(schema, `${path} answered ${res.status}, which ${route.operationId} does not document`);
        const check = validatorOf(doc, schema).safeParse(res.body);
        assert.ok(
          check.success,
          `${path} (${res.status}) does not match its documented schema: ${JSON.stringify(check.error?.issues.slice(0, 5))}`,
        );
        if (res.body && typeof res.body === "object" && "error" in res.body) seen.add((res.body as { error: { code: string } }).error.code);
      }
      if (emptyIsBadRequest) assert.ok(seen.has("BAD_REQUEST"), `${route.operationId}: an empty segment is a 400`);
      for (const code of route.errors) {
        assert.ok(canShow.has(code), `${route.operationId} documents ${code}, which no handler error produces`);
        if (code === "RESOURCE_NOT_FOUND" || code === "SERVICE_UNAVAILABLE") {
          assert.ok(seen.has(code), `${route.operationId} documents ${code} but no probe produced it (saw ${[...seen].join(", ")})`);
        }
      }
    }
  });

  test("parameters, error answers and shared schemas are generated from the routes' zod schemas", () => {
    type Tree = { name: string; children: Tree[] };
    const tree: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string(), children: z.array(tree) }));
    const owner = z.object({ kind: z.string(), name: z.string() }).meta({ id: "OpenApiTestOwner" });
    const shared = {
      tags: ["test"],
      params: z.object({}),
      errors: [],
      handler: () => ({ owner: { kind: "Deployment", name: "web" }, tree: { name: "a", children: [] } }),
    };
    const routes: ApiRoute[] = [
      ...machineryRoutes,
      { ...shared, path: "/api/v1/test/a", operationId: "testA", summary: "a", response: z.object({ owner, tree }) },
      { ...shared, path: "/api/v1/test/b", operationId: "testB", summary: "b", response: z.object({ owner, tree }) },
    ];
    const generated = openApiDocument(routes, { strict: true });
    const findings = generated.paths["/api/v1/test/namespace/{namespace}/findings"]!.get;
    assert.deepEqual(findings.parameters, [
      {
        name: "namespace",
        in: "path",
        required: true,
        schema: { type: "string", maxLength: 63, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
      },
      { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
      { name: "severity", in: "query", required: false, schema: { type: "string", enum: ["info", "warning", "critical"] } },
      { $ref: "#/components/parameters/RequestId" },
    ]);
    assert.deepEqual(Object.keys(findings.responses as Json), ["200", "400", "500", "504"]);
    const usage = generated.paths["/api/v1/test/nodes/{node}/usage"]!.get;
    assert.deepEqual(Object.keys(usage.responses as Json), ["200", "400", "404", "500", "503", "504"]);
    assert.deepEqual((usage.responses as Json)["503"], { $ref: "#/components/responses/SERVICE_UNAVAILABLE" });
    // Named and recursive schemas live once in components; references point there, never at a schema's own $defs.
    assert.ok(generated.components.schemas.OpenApiTestOwner);
    assert.ok(generated.components.schemas.testA_schema0 && generated.components.schemas.testB_schema0);
    assert.ok(refsIn(generated).every((ref) => ref.startsWith("#/components/")));
    for (const ref of refsIn(generated)) assert.ok(resolve(generated, ref), ref);
    const answer = validatorOf(generated, documentedSchema(generated, routes.at(-1)!, 200));
    const metadata = { requestId: "r", timestamp: "2026-12-07T13:00:00.000Z" };
    const data = { owner: { kind: "Deployment", name: "web" }, tree: { name: "a", children: [{ name: "b", children: [] }] } };
    assert.equal(answer.safeParse({ data, metadata }).success, true);
    assert.equal(
      answer.safeParse({ data: { ...data, tree: { name: "a", children: [{ name: 1, children: [] }] } }, metadata }).success,
      false,
    );
  });
});
