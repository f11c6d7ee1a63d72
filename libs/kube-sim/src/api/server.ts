// The HTTP front of the simulated API server: discovery, routing by verb and subresource, Status errors.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Cluster } from "../cluster.js";
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from "./discovery.js";
import { parsePath } from "./request.js";
import { storeKey } from "./resources.js";
import { ApiError, notFound } from "./status.js";
import { sendError, sendJson, sendText } from "./http.js";
import { handleCreate, handleDelete, handleDeleteCollection, handleGet, handleList, handlePatch, handleUpdate } from "./crud.js";
import { handleWatch } from "./watch.js";
import { handleBinding, handleEviction, handleLog, handleNodeProxy, handleScale } from "./subresources.js";
import { handleMetrics } from "./metrics-api.js";
import { openApiV3Doc, openApiV3Root, serveOpenApiV2 } from "./openapi.js";
import type { ApiContext } from "./context.js";
import { guardRequest } from "../auth/guard.js";
import { handleReview, isReviewType } from "../auth/access-review.js";
import { handleTokenRequest } from "../auth/token-request.js";
import { serveTlsOnSamePort } from "../auth/tls-listener.js";
import { handleSimControl, SIM_CONTROL_PREFIX } from "./sim-control.js";

const methodNotAllowed = (method: string): ApiError =>
  new ApiError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${method})`);

const notFoundPath = (): ApiError => new ApiError(404, "NotFound", "the server could not find the requested resource");

export type RequestHook = (req: IncomingMessage, res: ServerResponse) => void;

const route = async (cluster: Cluster, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const url = new URL(req.url ?? "/", "http://sim");
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const user = guardRequest(cluster, req, url);
  switch (path) {
    case "/version":
      return sendJson(res, 200, SERVER_VERSION);
    case "/healthz":
    case "/readyz":
    case "/livez":
      return sendText(res, 200, "ok");
    case "/api":
      return sendJson(res, 200, apiVersions(req.headers.host ?? "127.0.0.1"));
    case "/apis":
      return sendJson(res, 200, apiGroupList());
  }
  if (path.startsWith(SIM_CONTROL_PREFIX)) return handleSimControl(cluster, req, res, url);
  if (path === "/openapi/v2") return serveOpenApiV2(req, res);
  if (path === "/openapi/v3") return sendJson(res, 200, openApiV3Root());
  if (path.startsWith("/openapi/v3/")) {
    const doc = openApiV3Doc(path.slice("/openapi/v3/".length));
    if (!doc) throw notFoundPath();
    return sendJson(res, 200, doc);
  }
  const parsed = parsePath(path);
  if (parsed.kind === "unknown") throw notFoundPath();
  if (parsed.kind === "group") {
    const doc = apiGroup(parsed.group);
    if (!doc) throw notFoundPath();
    return sendJson(res, 200, doc);
  }
  if (parsed.kind === "groupVersion") {
    const doc = apiResourceList(parsed.group, parsed.version);
    if (!doc) throw notFoundPath();
    return sendJson(res, 200, doc);
  }
  const target = parsed.req;
  const ctx: ApiContext = { cluster, req, res, query: url.searchParams, target, key: storeKey(target.type), user };
  if (isReviewType(target.type)) return handleReview(ctx, user);
  if (target.type.virtual) {
    if (method !== "GET" || target.subresource) throw methodNotAllowed(method);
    return handleMetrics(ctx);
  }
  if (target.namespace === undefined && target.type.namespaced && target.name !== undefined) throw notFoundPath();
  const sub = target.subresource;
  if (sub) {
    if (!target.type.subresources?.includes(sub as never)) throw notFound(`${target.type.plural}/${sub}`, target.type.group, target.name!);
    switch (`${sub} ${method}`) {
      case "status GET":
        return handleGet(ctx);
      case "status PUT":
        return handleUpdate(ctx, "status");
      case "status PATCH":
        return handlePatch(ctx, "status");
      case "scale GET":
      case "scale PUT":
      case "scale PATCH":
        return handleScale(ctx, method);
      case "eviction POST":
        return handleEviction(ctx);
      case "log GET":
        return handleLog(ctx);
      case "binding POST":
        return handleBinding(ctx);
      case "token POST":
        return handleTokenRequest(ctx);
    }
    if (sub === "proxy" && method === "GET") return handleNodeProxy(ctx);
    throw methodNotAllowed(method);
  }
  const watch = ["true", "1"].includes(url.searchParams.get("watch") ?? "");
  if (target.name === undefined) {
    switch (method) {
      case "GET":
        return watch ? handleWatch(ctx) : handleList(ctx);
      case "POST":
        return handleCreate(ctx);
      case "DELETE":
        return handleDeleteCollection(ctx);
    }
  } else {
    switch (method) {
      case "GET":
        return watch ? handleWatch(ctx) : handleGet(ctx);
      case "PUT":
        return handleUpdate(ctx);
      case "PATCH":
        return handlePatch(ctx);
      case "DELETE":
        return handleDelete(ctx);
    }
  }
  throw methodNotAllowed(method);
};

export const createApiServer = (cluster: Cluster, onRequest?: RequestHook): Server => {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    // A real API server's Date header is its own clock; here that is simulated time (virtual or real), so
    // clients that follow the cluster's clock (libs/kube ClusterClock) see the time the objects carry.
    res.setHeader("Date", new Date(cluster.now()).toUTCString());
    onRequest?.(req, res);
    route(cluster, req, res).catch((err) => sendError(res, err));
  };
  const server = createServer(handler);
  serveTlsOnSamePort(server);
  return server;
};
