// Requests to the API server for any kind of the table in kinds.ts, through client-node's own HTTP layer
// and authentication (tokens, client certificates, exec plugins, in-cluster credentials). Every request has
// a deadline and takes an AbortSignal, so a dead API server cannot hang its caller; every failure is a
// KubeApiError. Writes are patches (strategic merge, JSON merge, JSON patch), never read-then-replace, and
// all of them can be server-side dry runs (dryRun=All): the API server validates and admits the change and
// answers with the would-be object, without storing it.
import {
  HttpMethod,
  RequestContext,
  createConfiguration,
  type HttpLibrary,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from "node:https";
import { Registry } from "prom-client";
import { ClusterClock } from "./cluster-clock.js";
import { KubeApiError, isNotFound, toKubeApiError, type ErrorTarget } from "./errors.js";
import {
  KINDS,
  apiVersionOf,
  collectionPath,
  objectPath,
  type KindDefinition,
  type KindName,
  type ObjectOf,
  type ResourceRef,
} from "./kinds.js";
import { RequestMetrics } from "./request-metrics.js";
import { fromWire, toWire } from "./wire.js";

export interface KubeClientOptions {
  /** Deadline of one request (until the whole answer is read). Default 10 s. */
  requestTimeoutMs?: number;
  /** Recorded as the manager of the fields a write sets (metadata.managedFields). Default "vigil". */
  fieldManager?: string;
  /** Where request metrics go; a private registry when absent. */
  registry?: Registry;
  /** The clock to keep in step with the API server's Date headers (one is made when absent). */
  clock?: ClusterClock;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  timeoutMs?: number;
  /** Aborts the request early (the owner stopping). */
  signal?: AbortSignal;
  /** Metric labels; "request" / the path's resource when absent. */
  verb?: string;
  resource?: string;
  /** Named in the error when the request fails. */
  target?: ErrorTarget;
}

export type PatchType = "strategic" | "merge" | "json";

export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  strategic: "application/strategic-merge-patch+json",
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
};

export interface WriteOptions {
  /** Server-side dry run (dryRun=All): validated and admitted, nothing stored. */
  dryRun?: boolean;
  /** Overrides the client's field manager for this write. */
  fieldManager?: string;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  /** The delete fails with 409 Conflict unless the object still has this uid / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: "Foreground" | "Background" | "Orphan";
  signal?: AbortSignal;
}

export interface ListOptions {
  /** Only this namespace (namespaced kinds); all namespaces when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size of the paginated list. Default 500. */
  pageSize?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ListResult<T> {
  items: T[];
  /** The list's resourceVersion, from which a watch continues. */
  resourceVersion: string;
}

/** Objects of a list carry no apiVersion/kind on a real API server; this layer always sets them. */
export function withKind<T extends KubernetesObject>(obj: T, d: KindDefinition): T {
  obj.apiVersion ??= apiVersionOf(d);
  obj.kind ??= d.kind;
  return obj;
}

export class KubeClient {
  readonly server: string;
  readonly fieldManager: string;
  readonly requestTimeoutMs: number;
  /** The cluster's time, as the API server's Date headers tell it. */
  readonly clock: ClusterClock;
  private readonly http: HttpLibrary;
  private readonly metrics: RequestMetrics;
  private keepAliveAgent: HttpAgent | undefined;

  constructor(
    readonly kubeConfig: KubeConfig,
    options: KubeClientOptions = {},
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig has no current cluster");
    this.server = cluster.server.replace(/\/+$/, "");
    this.fieldManager = options.fieldManager ?? "vigil";
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.http = createConfiguration().httpApi;
    this.metrics = new RequestMetrics(options.registry ?? new Registry());
    this.clock = options.clock ?? new ClusterClock();
  }

  /** One request; resolves with the answer's body, rejects with a KubeApiError (HTTP status ≥ 400 or no answer). */
  async request(path: string, opts: RequestOptions = {}): Promise<string> {
    const method = opts.method ?? "GET";
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), HttpMethod[method]);
    ctx.setHeaderParam("Accept", opts.accept ?? "application/json");
    if (opts.body !== undefined) {
      ctx.setHeaderParam("Content-Type", opts.contentType ?? "application/json");
      ctx.setBody(JSON.stringify(opts.body));
    }
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? this.requestTimeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    const verb = opts.verb ?? method.toLowerCase();
    const resource = opts.resource ?? resourceOfPath(path);
    const target: ErrorTarget = { request: `${method} ${path}`, ...opts.target };
    const stopTimer = this.metrics.seconds.startTimer({ verb, resource });
    let code = 0;
    try {
      await this.kubeConfig.applySecurityAuthentication(ctx);
      const agent = this.reusableAgent(ctx.getAgent());
      if (agent) ctx.setAgent(agent);
      ctx.setSignal(signal);
      const res = await this.http.send(ctx).toPromise();
      code = res.httpStatusCode;
      this.clock.observeServerDate(res.headers["date"]);
      const text = await res.body.text();
      if (code >= 400) throw KubeApiError.fromResponse(code, text, target);
      return text;
    } catch (err) {
      // An abort surfaces as node-fetch's AbortError whatever the cause: the signal says which it was.
      const cause: unknown = signal.aborted && !(err instanceof KubeApiError) ? (signal.reason ?? err) : err;
      throw toKubeApiError(cause, target);
    } finally {
      stopTimer();
      this.metrics.requests.inc({ verb, resource, code: String(code) });
    }
  }

  /**
   * client-node makes a new Agent for every request, so every call opened a new TCP (and TLS) connection. A plain
   * http/https Agent is replaced by one keep-alive Agent with the same options, made once per client; proxy agents
   * are left as they are. Idle sockets are unref'd by Node, so they never keep a process alive.
   */
  private reusableAgent(agent: HttpAgent | HttpsAgent | undefined): HttpAgent | undefined {
    if (!agent || (agent.constructor !== HttpAgent && agent.constructor !== HttpsAgent)) return undefined;
    if (!this.keepAliveAgent) {
      const common = { keepAlive: true, maxFreeSockets: 16 };
      this.keepAliveAgent =
        agent instanceof HttpsAgent
          ? new HttpsAgent({ ...(agent as HttpsAgent & { options: HttpsAgentOptions }).options, ...common })
          : new HttpAgent(common);
    }
    return this.keepAliveAgent;
  }

  async requestJson(path: string, opts: RequestOptions = {}): Promise<unknown> {
    const text = await this.request(path, opts);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new KubeApiError({
        status: 200,
        reason: "InvalidResponse",
        message: `${opts.method ?? "GET"} ${path}: the answer is not JSON: ${text.slice(0, 200)}`,
        ...opts.target,
      });
    }
  }

  /** The object; a KubeApiError with status 404 when it does not exist. */
  async get<K extends KindName>(ref: ResourceRef<K>, opts: { signal?: AbortSignal } = {}): Promise<ObjectOf<K>> {
    const d = KINDS[ref.kind];
    const json = await this.requestJson(objectPath(d, ref), { verb: "get", resource: d.plural, target: targetOf(ref), ...opts });
    return withKind(fromWire<ObjectOf<K>>(json, d.model), d);
  }

  /** The object, or undefined when it does not exist. */
  async find<K extends KindName>(ref: ResourceRef<K>, opts: { signal?: AbortSignal } = {}): Promise<ObjectOf<K> | undefined> {
    try {
      return await this.get(ref, opts);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Every object of a kind matching the options, page by page (a 410 on a continue token rejects: list again). */
  async list<K extends KindName>(kind: K, opts: ListOptions = {}): Promise<ListResult<ObjectOf<K>>> {
    const d = KINDS[kind];
    const items: ObjectOf<K>[] = [];
    let resourceVersion = "";
    let cont: string | undefined;
    do {
      const page = (await this.requestJson(collectionPath(d, opts.namespace), {
        verb: "list",
        resource: d.plural,
        query: { limit: opts.pageSize ?? 500, continue: cont, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector },
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        target: { kind, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      })) as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };
      for (const item of page.items ?? []) items.push(withKind(fromWire<ObjectOf<K>>(item, d.model), d));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return { items, resourceVersion };
  }

  /** Creates an object given as a client-node model (as returned by get). */
  async create<K extends KindName>(kind: K, obj: ObjectOf<K>, opts: WriteOptions = {}): Promise<ObjectOf<K>> {
    const d = KINDS[kind];
    const namespace = d.namespaced ? (obj.metadata?.namespace ?? "default") : undefined;
    const body = toWire({ ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(d), kind: obj.kind ?? d.kind }, d.model);
    const json = await this.requestJson(collectionPath(d, namespace), {
      method: "POST",
      verb: "create",
      resource: d.plural,
      body,
      query: this.writeQuery(opts),
      ...(opts.signal ? { signal: opts.signal } : {}),
      target: { kind, ...(obj.metadata?.name ? { name: obj.metadata.name } : {}), ...(namespace ? { namespace } : {}) },
    });
    return withKind(fromWire<ObjectOf<K>>(json, d.model), d);
  }

  /**
   * Patches an object and returns the result (with dryRun: what it would be). The patch is wire JSON as
   * `kubectl patch` takes it: an object for strategic/merge, an array of operations for json.
   */
  async patch<K extends KindName>(ref: ResourceRef<K>, type: PatchType, patch: unknown, opts: WriteOptions = {}): Promise<ObjectOf<K>> {
    const d = KINDS[ref.kind];
    const json = await this.requestJson(objectPath(d, ref), {
      method: "PATCH",
      verb: "patch",
      resource: d.plural,
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      query: this.writeQuery(opts),
      ...(opts.signal ? { signal: opts.signal } : {}),
      target: targetOf(ref),
    });
    return withKind(fromWire<ObjectOf<K>>(json, d.model), d);
  }

  async delete(ref: ResourceRef, opts: DeleteOptions = {}): Promise<void> {
    const d = KINDS[ref.kind];
    const body = {
      apiVersion: "v1",
      kind: "DeleteOptions",
      ...(opts.dryRun ? { dryRun: ["All"] } : {}),
      ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
      ...(opts.preconditions ? { preconditions: opts.preconditions } : {}),
      ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
    };
    await this.request(objectPath(d, ref), {
      method: "DELETE",
      verb: "delete",
      resource: d.plural,
      body,
      query: { dryRun: opts.dryRun ? "All" : undefined },
      ...(opts.signal ? { signal: opts.signal } : {}),
      target: targetOf(ref),
    });
  }

  /** dryRun and fieldManager query parameters of a write. */
  writeQuery(opts: WriteOptions): Record<string, string | undefined> {
    return { dryRun: opts.dryRun ? "All" : undefined, fieldManager: opts.fieldManager ?? this.fieldManager };
  }
}

export const targetOf = (ref: ResourceRef): ErrorTarget => ({
  kind: ref.kind,
  name: ref.name,
  ...(ref.namespace ? { namespace: ref.namespace } : {}),
});

/** "pods", "deployments/scale": the metric label of a path (object names left out: unbounded cardinality). */
function resourceOfPath(path: string): string {
  const parts = path.split("?")[0]!.split("/").filter(Boolean);
  const rest = parts[0] === "api" ? parts.slice(2) : parts.slice(3);
  const unscoped = rest[0] === "namespaces" && rest.length >= 3 ? rest.slice(2) : rest;
  return unscoped.length >= 3 ? `${unscoped[0]}/${unscoped[2]}` : (unscoped[0] ?? "unknown");
}
