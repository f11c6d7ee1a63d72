// The executor's view of the Kubernetes API: every call an action makes is recorded as a KubernetesOperation of
// the execution (verb, group, resource, name, namespace, patch type, dry run, HTTP status), and every write of a
// KubeWriter carries its dryRun, so an action cannot forget the dry run: it writes the same way in both modes.
import type { KubernetesOperation, RbacVerb } from "@vigil/contracts";
import {
  evictPod,
  type EvictionResult,
  KINDS,
  type KindName,
  type KubeClient,
  KubeApiError,
  type ListOptions,
  type LogOptions,
  type LogsResult,
  type ObjectOf,
  type PatchType,
  type ResourceRef as KubeRef,
  readContainerLogs,
  scaleTo,
  type ScalableKind,
} from "@vigil/kube";

/** A raw API request for kinds outside @vigil/kube's table (VolumeSnapshot, ExternalSecret): what to record it as. */
export interface RawRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** `/apis/snapshot.storage.k8s.io/v1/namespaces/db/volumesnapshots` */
  path: string;
  verb: RbacVerb;
  apiGroup: string;
  /** Plural resource, with its subresource. */
  resource: string;
  name?: string;
  namespace?: string;
  body?: unknown;
  contentType?: string;
  patchType?: KubernetesOperation["patchType"];
  query?: Record<string, string | undefined>;
}

/** Operations recorded so far, shared by the readers and writers of one execution. */
export class OperationLog {
  readonly operations: KubernetesOperation[] = [];

  async record<T>(
    op: Omit<KubernetesOperation, "status">,
    call: () => Promise<T>,
    statusOf: (result: T) => number = () => 200,
  ): Promise<T> {
    try {
      const result = await call();
      this.operations.push({ ...op, status: statusOf(result) });
      return result;
    } catch (err) {
      const status = err instanceof KubeApiError && err.status >= 100 ? err.status : undefined;
      this.operations.push({ ...op, ...(status ? { status } : {}) });
      throw err;
    }
  }
}

const opOf = (
  verb: RbacVerb,
  kind: KindName,
  ref: { name?: string; namespace?: string },
  dryRun: boolean,
  extra: Partial<KubernetesOperation> = {},
) => {
  const d = KINDS[kind];
  return {
    verb,
    apiGroup: d.group,
    resource: d.plural,
    ...(ref.name ? { name: ref.name } : {}),
    ...(ref.namespace && d.namespaced ? { namespace: ref.namespace } : {}),
    dryRun,
    ...extra,
  };
};

/** Reads, recorded. */
export class KubeReader {
  constructor(
    readonly client: KubeClient,
    readonly log: OperationLog,
    readonly signal?: AbortSignal,
  ) {}

  /** The live object (managedFields included); a KubeApiError 404 when absent. */
  get<K extends KindName>(ref: KubeRef<K>): Promise<ObjectOf<K>> {
    return this.log.record(opOf("get", ref.kind, ref, false), () => this.client.get(ref, this.opts()));
  }

  /** The live object, or undefined when it does not exist. */
  find<K extends KindName>(ref: KubeRef<K>): Promise<ObjectOf<K> | undefined> {
    return this.log.record(
      opOf("get", ref.kind, ref, false),
      () => this.client.find(ref, this.opts()),
      (r) => (r ? 200 : 404),
    );
  }

  async list<K extends KindName>(kind: K, opts: ListOptions = {}): Promise<ObjectOf<K>[]> {
    const result = await this.log.record(opOf("list", kind, { ...(opts.namespace ? { namespace: opts.namespace } : {}) }, false), () =>
      this.client.list(kind, { ...opts, ...(this.signal ? { signal: this.signal } : {}) }),
    );
    return result.items;
  }

  /**
   * A container's logs (pods/log, plain text, not JSON: `raw` cannot carry them). "No previous instance" and
   * "still waiting" come back as a result, recorded with the API server's status.
   */
  logs(pod: { namespace: string; name: string }, opts: Omit<LogOptions, "signal"> = {}): Promise<LogsResult> {
    return this.log.record(
      { verb: "get", apiGroup: "", resource: "pods/log", name: pod.name, namespace: pod.namespace, dryRun: false },
      () => readContainerLogs(this.client, pod, { ...opts, ...this.opts() }),
      (r) => (r.ok ? 200 : r.status),
    );
  }

  /** A raw request (kinds outside the table, discovery); resolves with the parsed answer. */
  raw(req: RawRequest, dryRun = false): Promise<unknown> {
    const op = {
      verb: req.verb,
      apiGroup: req.apiGroup,
      resource: req.resource,
      ...(req.name ? { name: req.name } : {}),
      ...(req.namespace ? { namespace: req.namespace } : {}),
      ...(req.patchType ? { patchType: req.patchType } : {}),
      dryRun,
    };
    return this.log.record(op, () =>
      this.client.requestJson(req.path, {
        method: req.method,
        verb: req.verb,
        resource: req.resource,
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.contentType ? { contentType: req.contentType } : {}),
        query: { ...req.query, ...(dryRun && req.method !== "GET" ? { dryRun: "All" } : {}) },
        ...(this.signal ? { signal: this.signal } : {}),
      }),
    );
  }

  protected opts(): { signal?: AbortSignal } {
    return this.signal ? { signal: this.signal } : {};
  }
}

/** What a cached reader serves lists from: an informer cache (`ClusterCache` of @vigil/kube). */
export interface ListCache {
  /** Whether `kind` is cached and has listed once (otherwise the reader asks the API server). */
  serves(kind: KindName): boolean;
  list<K extends KindName>(kind: K, namespace?: string): ObjectOf<K>[];
}

/**
 * The policy's reader: whole-namespace and cluster-wide lists (every node, every pod, PDBs, HPAs, quotas) come from an
 * informer cache kept current by watches, not a list per proposal (that cost ~60 ms of CPU per proposal at 400 pods and
 * grows with the cluster). Gets, and lists with selectors, still go to the API server, recorded.
 */
export class CachedKubeReader extends KubeReader {
  constructor(
    client: KubeClient,
    log: OperationLog,
    private readonly cache: ListCache,
    signal?: AbortSignal,
  ) {
    super(client, log, signal);
  }

  override async list<K extends KindName>(kind: K, opts: ListOptions = {}): Promise<ObjectOf<K>[]> {
    if (opts.labelSelector || opts.fieldSelector || !this.cache.serves(kind)) return super.list(kind, opts);
    return this.cache.list(kind, opts.namespace);
  }
}

/** Reads and writes; every write is a server-side dry run when `dryRun` is true. */
export class KubeWriter extends KubeReader {
  constructor(
    client: KubeClient,
    log: OperationLog,
    readonly dryRun: boolean,
    signal?: AbortSignal,
  ) {
    super(client, log, signal);
  }

  patch<K extends KindName>(ref: KubeRef<K>, type: PatchType, body: unknown): Promise<ObjectOf<K>> {
    return this.log.record(opOf("patch", ref.kind, ref, this.dryRun, { patchType: type }), () =>
      this.client.patch(ref, type, body, { dryRun: this.dryRun, ...this.opts() }),
    );
  }

  create<K extends KindName>(kind: K, obj: ObjectOf<K>): Promise<ObjectOf<K>> {
    const meta = obj.metadata ?? {};
    return this.log.record(
      opOf(
        "create",
        kind,
        { ...(meta.name ? { name: meta.name } : {}), ...(meta.namespace ? { namespace: meta.namespace } : {}) },
        this.dryRun,
      ),
      () => this.client.create(kind, obj, { dryRun: this.dryRun, ...this.opts() }),
    );
  }

  delete(
    ref: KubeRef,
    opts: {
      gracePeriodSeconds?: number;
      preconditions?: { uid?: string; resourceVersion?: string };
      propagationPolicy?: "Foreground" | "Background" | "Orphan";
    } = {},
  ): Promise<void> {
    return this.log.record(opOf("delete", ref.kind, ref, this.dryRun), () =>
      this.client.delete(ref, { ...opts, dryRun: this.dryRun, ...this.opts() }),
    );
  }

  /** Through the eviction API: a PodDisruptionBudget refusal is a result (`blocked`), not an error. */
  evict(pod: { namespace: string; name: string }, opts: { gracePeriodSeconds?: number } = {}): Promise<EvictionResult> {
    return this.log.record(
      { verb: "create", apiGroup: "", resource: "pods/eviction", name: pod.name, namespace: pod.namespace, dryRun: this.dryRun },
      () => evictPod(this.client, pod, { ...opts, dryRun: this.dryRun, ...this.opts() }),
      (r) => (r.outcome === "evicted" ? 201 : 429),
    );
  }

  /** spec.replicas through the scale subresource. */
  scale(ref: KubeRef<ScalableKind>, replicas: number): Promise<Awaited<ReturnType<typeof scaleTo>>> {
    const d = KINDS[ref.kind];
    return this.log.record(
      {
        verb: "patch",
        apiGroup: d.group,
        resource: `${d.plural}/scale`,
        name: ref.name,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
        patchType: "merge",
        dryRun: this.dryRun,
      },
      () => scaleTo(this.client, ref, replicas, { dryRun: this.dryRun, ...this.opts() }),
    );
  }

  override raw(req: RawRequest): Promise<unknown> {
    return super.raw(req, this.dryRun);
  }
}
