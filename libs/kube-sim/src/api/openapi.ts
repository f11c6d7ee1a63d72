// OpenAPI v2 (see openapi-v2.ts), and a minimal OpenAPI v3 discovery: only enough for kubectl (>= 1.27) to see that every resource accepts the
// `fieldValidation` query parameter, so it leaves validation to the server instead of needing full schemas.
import type { IncomingMessage, ServerResponse } from "node:http";
import { resourceTypes } from "./resources.js";
import { openApiV2Document } from "./openapi-v2.js";
import { encodeOpenApiV2, OPENAPI_V2_PROTOBUF } from "./openapi-v2-proto.js";
import { sendJson } from "./http.js";

const groupVersions = (): Array<{ group: string; version: string }> => {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of resourceTypes) {
    if (t.virtual) continue;
    for (const version of t.versions) seen.set(`${t.group}/${version}`, { group: t.group, version });
  }
  return [...seen.values()];
};

const pathOf = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`);

export const openApiV3Root = () => ({
  paths: Object.fromEntries(
    groupVersions().map(({ group, version }) => [
      pathOf(group, version),
      { serverRelativeURL: `/openapi/v3/${pathOf(group, version)}?hash=kube-sim` },
    ]),
  ),
});

export const openApiV3Doc = (path: string) => {
  const gv = groupVersions().find(({ group, version }) => pathOf(group, version) === path);
  if (!gv) return undefined;
  const fieldValidation = { name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } };
  const paths: Record<string, unknown> = {};
  for (const t of resourceTypes) {
    if (t.virtual || t.group !== gv.group || !t.versions.includes(gv.version)) continue;
    const base = `/${path}${t.namespaced ? "/namespaces/{namespace}" : ""}/${t.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${t.kind}`,
        parameters: [fieldValidation],
        responses: {},
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": { group: t.group, version: gv.version, kind: t.kind },
      },
    };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.31.0" }, paths, components: { schemas: {} } };
};

/** GET /openapi/v2: protobuf when the client asks for it (kubectl does), JSON otherwise. */
export const serveOpenApiV2 = (req: IncomingMessage, res: ServerResponse): void => {
  const doc = openApiV2Document();
  if (!(req.headers.accept ?? "").includes("application/com.github.proto-openapi.spec.v2")) return sendJson(res, 200, doc);
  const body = encodeOpenApiV2(doc);
  res.writeHead(200, { "Content-Type": OPENAPI_V2_PROTOBUF, "Content-Length": body.length });
  res.end(body);
};
