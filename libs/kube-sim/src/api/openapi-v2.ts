// OpenAPI v2 (/openapi/v2), which kubectl before 1.29 or so reads for client-side apply's strategic merge patch
// and to learn that the server validates fields itself (the `fieldValidation` parameter on each kind's PATCH).
// Definitions come from the generated field list (openapi-v2-models.ts); the patch strategies and merge keys are
// the `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api, which client-node's models do not carry.
import { KIND_DEFINITIONS, MODEL_FIELDS } from "./openapi-v2-models.js";
import { resourceTypes } from "./resources.js";
import { SERVER_VERSION } from "./discovery.js";

export interface SwaggerSchema {
  $ref?: string;
  type?: string;
  format?: string;
  items?: SwaggerSchema;
  properties?: Record<string, SwaggerSchema>;
  additionalProperties?: SwaggerSchema;
  [extension: `x-${string}`]: unknown;
}

export interface SwaggerParameter {
  name: string;
  in: "query" | "path" | "body";
  type?: string;
  required?: boolean;
  uniqueItems?: boolean;
  description?: string;
  schema?: SwaggerSchema;
}

export interface SwaggerOperation {
  operationId: string;
  consumes?: string[];
  produces?: string[];
  parameters: SwaggerParameter[];
  responses: Record<string, { description: string; schema?: SwaggerSchema }>;
  [extension: `x-${string}`]: unknown;
}

export type SwaggerPathItem = Partial<Record<"get" | "put" | "post" | "delete" | "patch", SwaggerOperation>> & {
  parameters?: SwaggerParameter[];
};

export interface SwaggerDocument {
  swagger: "2.0";
  info: { title: string; version: string };
  paths: Record<string, SwaggerPathItem>;
  definitions: Record<string, SwaggerSchema>;
}

const CORE = "io.k8s.api.core.v1";
const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const MERGE_BY = (key: string) => ({ "x-kubernetes-patch-merge-key": key, "x-kubernetes-patch-strategy": "merge" });
const CONDITIONS = { conditions: MERGE_BY("type") };
const CONTAINER = {
  ports: MERGE_BY("containerPort"),
  env: MERGE_BY("name"),
  volumeMounts: MERGE_BY("mountPath"),
  volumeDevices: MERGE_BY("devicePath"),
};

/** Patch metadata by definition and field, from the struct tags in k8s.io/api (v1.31). */
const PATCH_META: Record<string, Record<string, Record<string, string>>> = {
  [`${META}.ObjectMeta`]: { ownerReferences: MERGE_BY("uid"), finalizers: { "x-kubernetes-patch-strategy": "merge" } },
  [`${CORE}.PodSpec`]: {
    volumes: { "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge,retainKeys" },
    initContainers: MERGE_BY("name"),
    containers: MERGE_BY("name"),
    ephemeralContainers: MERGE_BY("name"),
    imagePullSecrets: MERGE_BY("name"),
    hostAliases: MERGE_BY("ip"),
    topologySpreadConstraints: MERGE_BY("topologyKey"),
    resourceClaims: { "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge,retainKeys" },
    schedulingGates: MERGE_BY("name"),
  },
  [`${CORE}.Container`]: CONTAINER,
  [`${CORE}.EphemeralContainer`]: CONTAINER,
  [`${CORE}.PodStatus`]: { ...CONDITIONS, podIPs: MERGE_BY("ip"), hostIPs: MERGE_BY("ip") },
  [`${CORE}.NodeSpec`]: { podCIDRs: { "x-kubernetes-patch-strategy": "merge" } },
  [`${CORE}.NodeStatus`]: { ...CONDITIONS, addresses: MERGE_BY("type") },
  [`${CORE}.ServiceSpec`]: { ports: MERGE_BY("port") },
  [`${CORE}.ServiceStatus`]: CONDITIONS,
  [`${CORE}.NamespaceStatus`]: CONDITIONS,
  [`${CORE}.PersistentVolumeClaimStatus`]: CONDITIONS,
  [`${CORE}.ServiceAccount`]: { secrets: MERGE_BY("name") },
  "io.k8s.api.apps.v1.DeploymentSpec": { strategy: { "x-kubernetes-patch-strategy": "retainKeys" } },
  "io.k8s.api.apps.v1.DeploymentStatus": CONDITIONS,
  "io.k8s.api.apps.v1.ReplicaSetStatus": CONDITIONS,
  "io.k8s.api.apps.v1.StatefulSetStatus": CONDITIONS,
  "io.k8s.api.apps.v1.DaemonSetStatus": CONDITIONS,
  "io.k8s.api.batch.v1.JobStatus": CONDITIONS,
  "io.k8s.api.policy.v1.PodDisruptionBudgetStatus": CONDITIONS,
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus": CONDITIONS,
};

/** One field type of the generated notation → its schema. */
const schemaOf = (t: string): SwaggerSchema => {
  if (t.startsWith("[]")) return { type: "array", items: schemaOf(t.slice(2)) };
  if (t.startsWith("{}")) return { type: "object", additionalProperties: schemaOf(t.slice(2)) };
  if (t.startsWith("#")) return { $ref: `#/definitions/${t.slice(1)}` };
  // Raw values (RawExtension, FieldsV1) are published as bare objects.
  if (t === "*") return { type: "object" };
  const [type, format] = t.split(":");
  return { type: type!, ...(format ? { format } : {}) };
};

const definitionOf = (name: string, fields: string): SwaggerSchema => {
  const properties: Record<string, SwaggerSchema> = {};
  const patchMeta = PATCH_META[name] ?? {};
  for (const pair of fields.split(" ").filter(Boolean)) {
    const i = pair.indexOf(":");
    const field = pair.slice(0, i);
    properties[field] = { ...schemaOf(pair.slice(i + 1)), ...patchMeta[field] };
  }
  return { type: "object", properties };
};

const apiPrefix = (group: string, version: string): string => (group ? `/apis/${group}/${version}` : `/api/${version}`);

const param = (name: string, where: "query" | "path", description: string): SwaggerParameter => ({
  name,
  in: where,
  type: "string",
  uniqueItems: true,
  ...(where === "path" ? { required: true } : {}),
  description,
});

const PATCH_PARAMS: SwaggerParameter[] = [
  param("dryRun", "query", "When present, indicates that modifications should not be persisted."),
  param("fieldManager", "query", "fieldManager is a name associated with the actor or entity that is making these changes."),
  param(
    "fieldValidation",
    "query",
    "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.",
  ),
];

const operation = (
  verb: string,
  kind: string,
  gvk: Record<string, string>,
  ref: string,
  extra: SwaggerParameter[] = [],
): SwaggerOperation => ({
  operationId: `${verb}${kind}`,
  consumes:
    verb === "patch"
      ? [
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/strategic-merge-patch+json",
          "application/apply-patch+yaml",
        ]
      : ["*/*"],
  produces: ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
  parameters: [
    ...(verb === "patch" || verb === "replace" || verb === "create"
      ? [{ name: "body", in: "body" as const, required: true, schema: verb === "patch" ? { type: "object" } : { $ref: ref } }]
      : []),
    ...extra,
  ],
  responses: { "200": { description: "OK", schema: { $ref: ref } }, "401": { description: "Unauthorized" } },
  "x-kubernetes-action": verb === "replace" ? "put" : verb === "read" ? "get" : verb === "create" ? "post" : verb,
  "x-kubernetes-group-version-kind": gvk,
});

let cached: SwaggerDocument | undefined;

/** The document, built once: it depends only on the served kinds. */
export const openApiV2Document = (): SwaggerDocument => {
  if (cached) return cached;
  const definitions: Record<string, SwaggerSchema> = {};
  for (const [name, fields] of Object.entries(MODEL_FIELDS)) definitions[name] = definitionOf(name, fields);
  const paths: Record<string, SwaggerPathItem> = {};
  for (const [group, version, kind, definition] of KIND_DEFINITIONS) {
    const t = resourceTypes.find((r) => !r.virtual && r.group === group && r.kind === kind && r.versions.includes(version));
    const def = definitions[definition];
    if (!t || !def) continue;
    const gvk = { group, kind, version };
    const list = (def["x-kubernetes-group-version-kind"] as Array<Record<string, string>> | undefined) ?? [];
    def["x-kubernetes-group-version-kind"] = [...list, gvk];
    const ref = `#/definitions/${definition}`;
    const base = `${apiPrefix(group, version)}${t.namespaced ? "/namespaces/{namespace}" : ""}/${t.plural}`;
    const pathParams = [
      ...(t.namespaced ? [param("namespace", "path", "object name and auth scope, such as for teams and projects")] : []),
      param("pretty", "query", "If 'true', then the output is pretty printed."),
    ];
    paths[base] = { post: operation("create", kind, gvk, ref, PATCH_PARAMS), parameters: pathParams };
    paths[`${base}/{name}`] = {
      get: operation("read", kind, gvk, ref),
      put: operation("replace", kind, gvk, ref, PATCH_PARAMS),
      patch: operation("patch", kind, gvk, ref, [...PATCH_PARAMS, { name: "force", in: "query", type: "boolean", uniqueItems: true }]),
      parameters: [param("name", "path", `name of the ${kind}`), ...pathParams],
    };
  }
  cached = { swagger: "2.0", info: { title: "Kubernetes", version: SERVER_VERSION.gitVersion }, paths, definitions };
  return cached;
};
