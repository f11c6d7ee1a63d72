// A stand-in API server for APIs the simulator does not serve (operator CRDs: snapshot.storage.k8s.io,
// external-secrets.io), as libs/kube's tests stand in for absent APIs: real HTTP, Kubernetes' URL layout,
// discovery (GET /apis/<group>/<version>), get/list/create/merge-patch/delete with server-side dry run,
// AlreadyExists and NotFound as Status objects. It records every request, so a test can check what the
// action under test sent. It is not the thing under test: the actions are.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export interface StandInRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface StandInOptions {
  /** Served group versions and the plural resources each serves: `{ "snapshot.storage.k8s.io/v1": ["volumesnapshots"] }`. */
  served: Record<string, string[]>;
  /** Objects present at start, by plural: `{ volumesnapshotclasses: [...] }`. */
  objects: Record<string, StandInObject[]>;
}

export interface StandIn {
  url: string;
  requests: StandInRequest[];
  /** The stored object, by plural, namespace and name. */
  get(plural: string, namespace: string | undefined, name: string): StandInObject | undefined;
  all(plural: string): StandInObject[];
  close(): Promise<void>;
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Equality terms only (`a=b,c=d`): what the actions under test send. */
const matchesLabels = (o: StandInObject, selector: string | undefined): boolean =>
  !selector ||
  selector.split(",").every((term) => {
    const [k, v] = term.split("=") as [string, string];
    return o.metadata.labels?.[k] === v;
  });

const status = (code: number, reason: string, message: string) => ({
  kind: "Status",
  apiVersion: "v1",
  status: "Failure",
  reason,
  message,
  code,
});

export async function startStandIn(opts: StandInOptions): Promise<StandIn> {
  const store = new Map<string, StandInObject>();
  const key = (plural: string, ns: string | undefined, name: string) => `${plural}/${ns ?? ""}/${name}`;
  let rv = 100;
  for (const [plural, objs] of Object.entries(opts.objects))
    for (const o of objs)
      store.set(key(plural, o.metadata.namespace, o.metadata.name), {
        ...o,
        metadata: { uid: `uid-${o.metadata.name}`, resourceVersion: String(++rv), ...o.metadata },
      });
  const requests: StandInRequest[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const text = Buffer.concat(chunks).toString();
      const body: unknown = text ? JSON.parse(text) : undefined;
      const query = Object.fromEntries(url.searchParams);
      const method = req.method ?? "GET";
      requests.push({ method, path: url.pathname, query, body });
      const send = (code: number, payload: unknown) => {
        res.writeHead(code, { "content-type": "application/json", date: new Date().toUTCString() });
        res.end(JSON.stringify(payload));
      };
      // /api/v1/... or /apis/<group>/<version>/...
      const parts = url.pathname.split("/").filter(Boolean);
      const [group, version, rest] =
        parts[0] === "api" ? ["", parts[1]!, parts.slice(2)] : [parts[1] ?? "", parts[2] ?? "", parts.slice(3)];
      const gv = group ? `${group}/${version}` : version;
      const resources = opts.served[gv];
      if (!resources) return send(404, status(404, "NotFound", "the server could not find the requested resource"));
      if (rest.length === 0)
        return send(200, {
          kind: "APIResourceList",
          groupVersion: gv,
          resources: resources.map((name) => ({ name, namespaced: true, verbs: ["get", "list", "create", "patch", "delete"] })),
        });
      const namespaced = rest[0] === "namespaces";
      const ns = namespaced ? rest[1] : undefined;
      const [plural, name] = namespaced ? [rest[2]!, rest[3]] : [rest[0]!, rest[1]];
      if (!resources.includes(plural)) return send(404, status(404, "NotFound", "the server could not find the requested resource"));
      const dryRun = query["dryRun"] === "All";
      const what = `${plural}${group ? `.${group}` : ""} "${name ?? ""}"`;
      if (!name) {
        if (method === "GET")
          return send(200, {
            kind: "List",
            apiVersion: gv,
            metadata: { resourceVersion: String(rv) },
            items: [...store.entries()]
              .filter(([k]) => k.startsWith(ns ? `${plural}/${ns}/` : `${plural}/`))
              .map(([, o]) => o)
              .filter((o) => matchesLabels(o, query["labelSelector"])),
          });
        if (method === "POST") {
          const obj = body as StandInObject;
          const k = key(plural, ns, obj.metadata.name);
          if (store.has(k))
            return send(409, status(409, "AlreadyExists", `${plural}${group ? `.${group}` : ""} "${obj.metadata.name}" already exists`));
          const created = {
            ...obj,
            metadata: { ...obj.metadata, namespace: ns, uid: `uid-${obj.metadata.name}`, resourceVersion: String(dryRun ? rv : ++rv) },
          } as StandInObject;
          if (!dryRun) store.set(k, created);
          return send(201, created);
        }
      }
      const k = key(plural, ns, name!);
      const found = store.get(k);
      if (!found) return send(404, status(404, "NotFound", `${what} not found`));
      if (method === "GET") return send(200, found);
      if (method === "PATCH") {
        if (req.headers["content-type"] !== "application/merge-patch+json")
          return send(415, status(415, "UnsupportedMediaType", "merge patches only"));
        const patched = { ...(mergePatch(found, body) as StandInObject) };
        patched.metadata = { ...patched.metadata, resourceVersion: String(dryRun ? found.metadata.resourceVersion : ++rv) };
        if (!dryRun) store.set(k, patched);
        return send(200, patched);
      }
      if (method === "DELETE") {
        if (!dryRun) store.delete(k);
        return send(200, found);
      }
      return send(405, status(405, "MethodNotAllowed", `${method} is not supported`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get: (plural, ns, name) => store.get(key(plural, ns, name)),
    all: (plural) => [...store.entries()].filter(([k]) => k.startsWith(`${plural}/`)).map(([, o]) => o),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
