// kube-apiserver's field validation (the `fieldValidation` query parameter, GA in 1.27) of a create or an update: a
// body with fields the kind's schema does not declare is refused (Strict: what kubectl sends for create, replace and
// apply unless --validate=false), answered with a Warning header per field (Warn: the server's default for other
// clients), or decoded as if they were absent (Ignore). The schema is the one /openapi/v2 publishes
// (openapi-v2-models.ts); the refusal is the API server's 400: `Deployment in version "v1" cannot be handled as a
// Deployment: strict decoding error: unknown field "spec.replica"`. Patches are not checked (the server words them
// differently per patch type: a strategic merge patch's is a 422 quoting the patch as a Go map, a server-side apply's
// structured-merge-diff's `field not declared in schema`); objects the control plane writes in process are trusted.
import { KIND_DEFINITIONS, MODEL_FIELDS } from "../api/openapi-v2-models.js";
import { ApiError } from "../api/status.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** The request's directive: absent (or a value the API server would refuse, which is not modelled) means Warn. */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get("fieldValidation");
  return value === "Strict" || value === "Ignore" ? value : "Warn";
}

// "field:type" pairs per definition, parsed once: type is string…, integer…, number…, boolean, *, []<type>, {}<type>
// or #<definition>.
const parsed = new Map<string, Map<string, string>>();
const fieldsOf = (definition: string): Map<string, string> | undefined => {
  let fields = parsed.get(definition);
  if (!fields && MODEL_FIELDS[definition] !== undefined) {
    fields = new Map(
      MODEL_FIELDS[definition]
        .split(" ")
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf(":")), pair.slice(pair.indexOf(":") + 1)]),
    );
    parsed.set(definition, fields);
  }
  return fields;
};

const definitionOfKind = new Map(KIND_DEFINITIONS.map(([group, version, kind, definition]) => [`${group}/${version}/${kind}`, definition]));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function walk(value: unknown, type: string, path: string, out: string[]): void {
  if (type.startsWith("[]")) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, type.slice(2), `${path}[${i}]`, out));
    return;
  }
  if (type.startsWith("{}")) {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, type.slice(2), `${path}[${k}]`, out);
    return;
  }
  if (!type.startsWith("#") || !isObject(value)) return;
  const fields = fieldsOf(type.slice(1));
  if (!fields) return;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    const fieldType = fields.get(k);
    if (fieldType === undefined) out.push(at);
    else walk(v, fieldType, at, out);
  }
}

/** Paths of the fields `obj` sets that the kind's schema does not declare, in document order. */
export function unknownFields(group: string, version: string, kind: string, obj: unknown): string[] {
  const definition = definitionOfKind.get(`${group}/${version}/${kind}`);
  if (!definition) return [];
  const out: string[] = [];
  walk(obj, `#${definition}`, "", out);
  return out;
}

/**
 * Checks a create or update body under its directive: throws the API server's 400 under Strict, returns the Warning
 * header values (`299 - "unknown field \"spec.foo\""`) under Warn, nothing under Ignore or when every field is known.
 */
export function validateFields(
  target: { group: string; version: string; kind: string },
  body: unknown,
  directive: FieldValidation,
): string[] {
  if (directive === "Ignore") return [];
  const unknown = unknownFields(target.group, target.version, target.kind, body);
  if (!unknown.length) return [];
  if (directive === "Warn") return unknown.map((f) => `299 - ${JSON.stringify(`unknown field "${f}"`)}`);
  const strict = `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`;
  throw new ApiError(400, "BadRequest", `${target.kind} in version "${target.version}" cannot be handled as a ${target.kind}: ${strict}`);
}
