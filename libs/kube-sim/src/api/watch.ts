// Watch: a chunked stream of {"type","object"} lines. Resumes from a resourceVersion out of the store's change
// log, answers 410 (as an ERROR event, like the real server) when that history is compacted, honours
// selectors with ADDED/DELETED on transitions, bookmarks, timeouts and streaming lists (sendInitialEvents).
import type { ServerResponse } from "node:http";
import type { Cluster } from "../cluster.js";
import { parseListQuery, matches, type ListQuery } from "./list.js";
import { gone, badRequest } from "./status.js";
import { wantsTable } from "./http.js";
import { toTable } from "./tables/index.js";
import type { ApiContext } from "./context.js";
import type { StoreEvent } from "../store/object-store.js";
import type { KubeObject } from "../types.js";

const BOOKMARK_INTERVAL_MS = 10_000;

const open = new WeakMap<Cluster, Set<ServerResponse>>();

/** Open watch responses of one cluster, so tests can drop them all as a network failure would. */
export const openWatches = (cluster: Cluster): Set<ServerResponse> => {
  let set = open.get(cluster);
  if (!set) open.set(cluster, (set = new Set()));
  return set;
};

export const handleWatch = (ctx: ApiContext): void => {
  const { res, query, cluster, key } = ctx;
  const { namespace, type } = ctx.target;
  const q: ListQuery = parseListQuery(type, query);
  const rvParam = query.get("resourceVersion") ?? "";
  const initialEvents = query.get("sendInitialEvents") === "true";
  const bookmarks = query.get("allowWatchBookmarks") === "true" || initialEvents;
  const table = wantsTable(ctx.req);
  const now = () => cluster.now();
  const name = ctx.target.name;

  const inScope = (o: KubeObject): boolean =>
    (namespace === undefined || o.metadata.namespace === namespace) && (name === undefined || o.metadata.name === name);
  const visible = (o: KubeObject | undefined): boolean => !!o && inScope(o) && matches(o, q);

  let fromRv: number;
  let backlog: Array<{ type: string; object: KubeObject }> = [];
  if (rvParam === "" || rvParam === "0" || initialEvents) {
    // "Start at most recent": the current state as synthetic ADDED events, then changes.
    fromRv = cluster.store.resourceVersion;
    backlog = cluster
      .list(key, namespace)
      .filter(visible)
      .map((object) => ({ type: "ADDED", object }));
  } else {
    fromRv = Number(rvParam);
    if (!Number.isInteger(fromRv) || fromRv < 0) throw badRequest(`invalid resource version: "${rvParam}"`);
  }

  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  const send = (type: string, object: unknown): void => {
    const obj =
      table && type !== "ERROR" && type !== "BOOKMARK"
        ? toTable(ctx.target.type.plural, [object as KubeObject], {
            now: now(),
            includeObject: "Object",
            resourceVersion: (object as KubeObject).metadata.resourceVersion ?? "",
          })
        : object;
    res.write(`${JSON.stringify({ type, object: obj })}\n`);
  };
  let lastRv = fromRv;
  const bookmark = (annotations?: Record<string, string>): void =>
    send("BOOKMARK", {
      kind: type.kind,
      apiVersion: type.group ? `${type.group}/${ctx.target.version}` : "v1",
      metadata: { resourceVersion: String(lastRv), ...(annotations ? { annotations } : {}) },
    });

  const translate = (e: StoreEvent): void => {
    lastRv = e.rv;
    const now = e.type !== "DELETED" && visible(e.object);
    const before = visible(e.previous);
    if (e.type === "ADDED" && now) send("ADDED", e.object);
    else if (e.type === "MODIFIED" && now && before) send("MODIFIED", e.object);
    else if (e.type === "MODIFIED" && now && !before) send("ADDED", e.object);
    else if (e.type === "MODIFIED" && !now && before) send("DELETED", e.object);
    else if (e.type === "DELETED" && before) send("DELETED", e.object);
  };

  const missed = cluster.store.eventsSince(key, fromRv);
  if (!missed) {
    const status = gone(`too old resource version: ${fromRv} (${cluster.store.resourceVersion})`).toStatus();
    res.end(`${JSON.stringify({ type: "ERROR", object: status })}\n`);
    return;
  }
  for (const e of backlog) send(e.type, e.object);
  if (initialEvents) bookmark({ "k8s.io/initial-events-end": "true" });
  for (const e of missed) translate(e);

  const unsubscribe = cluster.store.subscribe(key, translate);
  openWatches(cluster).add(res);
  const timers: NodeJS.Timeout[] = [];
  if (bookmarks) timers.push(setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS));
  const timeout = Number(query.get("timeoutSeconds") ?? 0);
  // Real servers close watches after timeoutSeconds (or a randomised 30-60 min); clients then resume.
  const closeAfter = timeout > 0 ? timeout * 1000 : (30 + Math.random() * 30) * 60_000;
  timers.push(setTimeout(() => res.end(), closeAfter));
  const cleanup = (): void => {
    unsubscribe();
    openWatches(cluster).delete(res);
    for (const t of timers) clearTimeout(t);
  };
  res.on("close", cleanup);
  res.on("finish", cleanup);
};
