// The OpenAPI v2 document as kubectl asks for it (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf):
// gnostic's openapi_v2.Document message (github.com/google/gnostic-models openapiv2/OpenAPIv2.proto; the field
// numbers below are that file's). Vendor extensions travel as YAML text in NamedAny.value.yaml; JSON is valid YAML.
import { ProtoWriter } from "./openapi-v2-protobuf.js";
import type { SwaggerDocument, SwaggerOperation, SwaggerParameter, SwaggerPathItem, SwaggerSchema } from "./openapi-v2.js";

// Clients ask with "...spec.v2@v1.0+protobuf"; kube-openapi's handler answers with this spelling, because Go's
// mime.ParseMediaType rejects the "@" (k8s.io/kube-openapi/pkg/handler: subTypeProtobuf).
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const named = (name: string, value: ProtoWriter): ProtoWriter => new ProtoWriter().string(1, name).message(2, value);

const vendorExtensions = (obj: object): ProtoWriter[] =>
  Object.entries(obj)
    .filter(([k]) => k.startsWith("x-"))
    .map(([k, v]) => named(k, new ProtoWriter().string(2, `${JSON.stringify(v)}\n`)));

const schema = (s: SwaggerSchema): ProtoWriter => {
  const w = new ProtoWriter().string(1, s.$ref).string(2, s.format);
  if (s.additionalProperties) w.message(21, new ProtoWriter().message(1, schema(s.additionalProperties)));
  if (s.type) w.message(22, new ProtoWriter().strings(1, [s.type]));
  if (s.items) w.message(23, new ProtoWriter().message(1, schema(s.items)));
  if (s.properties) {
    w.message(
      25,
      new ProtoWriter().messages(
        1,
        Object.entries(s.properties).map(([k, v]) => named(k, schema(v))),
      ),
    );
  }
  return w.messages(31, vendorExtensions(s));
};

const parameter = (p: SwaggerParameter): ProtoWriter => {
  let param: ProtoWriter;
  if (p.in === "body") {
    // Parameter.body_parameter
    const body = new ProtoWriter().string(2, p.name).string(3, p.in).bool(4, p.required);
    if (p.schema) body.message(5, schema(p.schema));
    param = new ProtoWriter().message(1, body);
  } else {
    const sub =
      p.in === "query"
        ? new ProtoWriter()
            .bool(1, p.required)
            .string(2, p.in)
            .string(3, p.description)
            .string(4, p.name)
            .string(6, p.type)
            .bool(20, p.uniqueItems)
        : new ProtoWriter()
            .bool(1, p.required)
            .string(2, p.in)
            .string(3, p.description)
            .string(4, p.name)
            .string(5, p.type)
            .bool(19, p.uniqueItems);
    // NonBodyParameter: 3 = query_parameter_sub_schema, 4 = path_parameter_sub_schema.
    param = new ProtoWriter().message(2, new ProtoWriter().message(p.in === "query" ? 3 : 4, sub));
  }
  return new ProtoWriter().message(1, param); // ParametersItem.parameter
};

const operation = (op: SwaggerOperation): ProtoWriter => {
  const responses = Object.entries(op.responses).map(([code, r]) => {
    const response = new ProtoWriter().string(1, r.description);
    if (r.schema) response.message(2, new ProtoWriter().message(1, schema(r.schema)));
    return named(code, new ProtoWriter().message(1, response));
  });
  return new ProtoWriter()
    .string(5, op.operationId)
    .strings(6, op.produces)
    .strings(7, op.consumes)
    .messages(8, op.parameters.map(parameter))
    .message(9, new ProtoWriter().messages(1, responses))
    .messages(13, vendorExtensions(op));
};

const VERB_FIELDS = { get: 2, put: 3, post: 4, delete: 5, patch: 8 } as const;

const pathItem = (item: SwaggerPathItem): ProtoWriter => {
  const w = new ProtoWriter();
  for (const [verb, field] of Object.entries(VERB_FIELDS)) {
    const op = item[verb as keyof typeof VERB_FIELDS];
    if (op) w.message(field, operation(op));
  }
  return w.messages(9, (item.parameters ?? []).map(parameter));
};

let cached: Uint8Array | undefined;

/** The protobuf encoding of `doc` (cached: the document never changes while the process runs). */
export const encodeOpenApiV2 = (doc: SwaggerDocument): Uint8Array => {
  if (cached) return cached;
  cached = new ProtoWriter()
    .string(1, doc.swagger)
    .message(2, new ProtoWriter().string(1, doc.info.title).string(2, doc.info.version))
    .message(
      8,
      new ProtoWriter().messages(
        2,
        Object.entries(doc.paths).map(([p, item]) => named(p, pathItem(item))),
      ),
    )
    .message(
      9,
      new ProtoWriter().messages(
        1,
        Object.entries(doc.definitions).map(([n, s]) => named(n, schema(s))),
      ),
    )
    .finish();
  return cached;
};
