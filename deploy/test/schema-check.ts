// Kubernetes schema checks for rendered manifests, two halves of what kube-apiserver does with a request:
// - types, required fields and enums: kubernetes-models' validators (generated from the API's OpenAPI schemas);
// - unknown fields, which those validators let through: walked against the OpenAPI v2 document the API server
//   publishes (/openapi/v2, what kubectl reads; here the simulator's, generated from the same Kubernetes models) and
//   reported in the API server's words for `fieldValidation=Strict` (kubectl's default for create and apply since
//   1.27): `strict decoding error: unknown field "spec.foo"`.
import type { KubeSim } from "@vigil/kube-sim";
import type { Obj } from "./kustomize-build.js";

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  "x-kubernetes-group-version-kind"?: Array<{ group: string; version: string; kind: string }>;
}
/** An OpenAPI v2 document: its definitions are all the walk needs. */
export interface OpenApiV2 {
  definitions: Record<string, Schema>;
}

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The API server's OpenAPI v2 document, as kubectl fetches it (JSON). */
export async function fetchOpenApi(sim: KubeSim): Promise<OpenApiV2> {
  const res = await fetch(`${sim.url}/openapi/v2`, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`GET /openapi/v2: ${res.status}`);
  return (await res.json()) as OpenApiV2;
}

function walk(api: OpenApiV2, value: unknown, schema: Schema, path: string, out: string[]): void {
  const s = schema.$ref ? api.definitions[schema.$ref.replace("#/definitions/", "")] : schema;
  if (!s) return;
  if (s.items) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(api, v, s.items!, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(value)) return; // a scalar, or int-or-string
  if (s.properties) {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      const field = s.properties[k];
      if (!field) out.push(at);
      else walk(api, v, field, at, out);
    }
  } else if (isObject(s.additionalProperties)) {
    for (const [k, v] of Object.entries(value)) walk(api, v, s.additionalProperties, `${path}[${k}]`, out);
  }
}

/** The paths of fields the kind's schema does not declare (`spec.template.spec.containers[0].imagePullPolcy`). */
export function unknownFields(api: OpenApiV2, obj: Obj): string[] {
  const [group, version] = String(obj.apiVersion).includes("/") ? String(obj.apiVersion).split("/") : ["", String(obj.apiVersion)];
  const definition = Object.values(api.definitions).find((d) =>
    d["x-kubernetes-group-version-kind"]?.some((g) => g.group === group && g.version === version && g.kind === obj.kind),
  );
  if (!definition) throw new Error(`the API server serves no ${obj.apiVersion} ${obj.kind}`);
  const out: string[] = [];
  walk(api, obj, definition, "", out);
  return out;
}

/** What kube-apiserver answers (400) to a create of `obj` with fieldValidation=Strict, or undefined when it decodes. */
export function strictDecodingError(api: OpenApiV2, obj: Obj): string | undefined {
  const unknown = unknownFields(api, obj);
  if (!unknown.length) return undefined;
  const version = String(obj.apiVersion).split("/").pop();
  return `${obj.kind} in version "${version}" cannot be handled as a ${obj.kind}: strict decoding error: ${unknown
    .map((f) => `unknown field "${f}"`)
    .join(", ")}`;
}

/**
 * kustomize wraps long base64 values of a Secret's data at 70 columns; the API server's decoder (Go's base64) skips
 * line breaks, kubernetes-models' `byte` format does not, so they are removed first, as the server would.
 */
function asDecoded(obj: Obj): Obj {
  if (obj.kind !== "Secret" || !isObject(obj.data)) return obj;
  const data = Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, typeof v === "string" ? v.replace(/[\r\n]/g, "") : v]));
  return { ...obj, data };
}

interface Validating {
  validate(): void;
}
type ModelConstructor = new (data: Obj) => Validating;

/**
 * kubernetes-models' validation of one object (types, required fields, enums, formats): its error messages, none
 * when valid. Throws for a kind it has no model of.
 */
export async function schemaErrors(obj: Obj): Promise<string[]> {
  const mod = (await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`)) as Record<string, ModelConstructor | undefined>;
  const Model = mod[obj.kind as string];
  if (!Model) throw new Error(`kubernetes-models has no ${obj.apiVersion} ${obj.kind}`);
  try {
    new Model(asDecoded(obj)).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    return errors?.map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim()) ?? [(err as Error).message];
  }
}

/** Both checks: every problem of one object, each prefixed with the object it is in. */
export async function manifestProblems(api: OpenApiV2, obj: Obj): Promise<string[]> {
  const what = `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata?.name}`;
  const strict = strictDecodingError(api, obj);
  return [...(await schemaErrors(obj)).map((e) => `${what}: ${e}`), ...(strict ? [`${what}: ${strict}`] : [])];
}
