// metrics.k8s.io (metrics-server): node and pod usage with quantities as numbers (cores, bytes). A cluster
// without metrics-server answers 404 (the API group is not registered) or 503 (its APIService is down):
// that is a typed "unavailable" result, not an error, so callers can say so (the analyzer's 503
// SERVICE_UNAVAILABLE) instead of failing. Other failures (unreachable API server, 403) reject.
import type { KubeClient } from "./client.js";
import { KubeApiError } from "./errors.js";
import { bytesOf, cpuCores } from "./quantity.js";

export interface ContainerUsage {
  name: string;
  cpuCores: number;
  memoryBytes: number;
}

export interface NodeUsage {
  name: string;
  timestamp?: Date;
  /** The interval the usage was averaged over. */
  windowSeconds?: number;
  cpuCores: number;
  memoryBytes: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  timestamp?: Date;
  windowSeconds?: number;
  containers: ContainerUsage[];
  /** Sums over the containers. */
  cpuCores: number;
  memoryBytes: number;
}

export type MetricsUnavailableReason =
  /** metrics-server is not installed or not serving (404 on the group, 503). */
  | "metrics-api-unavailable"
  /** The API works but has no sample for this object (not running yet, or not scraped yet). */
  | "no-metrics";

export type MetricsResult<T> =
  { available: true; items: T[] } | { available: false; reason: MetricsUnavailableReason; status: number; message: string };

interface Raw {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  window?: string;
  usage?: { cpu?: string; memory?: string };
  containers?: Array<{ name?: string; usage?: { cpu?: string; memory?: string } }>;
}

const BASE = "/apis/metrics.k8s.io/v1beta1";

export interface MetricsQuery {
  labelSelector?: string;
  signal?: AbortSignal;
}

/** Usage of every node, or of one. */
export function readNodeMetrics(client: KubeClient, opts: MetricsQuery & { name?: string } = {}): Promise<MetricsResult<NodeUsage>> {
  const path = opts.name ? `${BASE}/nodes/${encodeURIComponent(opts.name)}` : `${BASE}/nodes`;
  return read(client, path, opts, (raw) => ({
    name: raw.metadata?.name ?? "",
    ...when(raw),
    cpuCores: cpuCores(raw.usage?.cpu ?? 0),
    memoryBytes: bytesOf(raw.usage?.memory ?? 0),
  }));
}

/** Usage of the pods of a namespace (all namespaces when absent), or of one pod. */
export function readPodMetrics(
  client: KubeClient,
  opts: MetricsQuery & { namespace?: string; name?: string } = {},
): Promise<MetricsResult<PodUsage>> {
  if (opts.name && !opts.namespace) throw new Error("readPodMetrics: a pod name needs its namespace");
  const scope = opts.namespace ? `${BASE}/namespaces/${encodeURIComponent(opts.namespace)}/pods` : `${BASE}/pods`;
  const path = opts.name ? `${scope}/${encodeURIComponent(opts.name)}` : scope;
  return read(client, path, opts, (raw) => {
    const containers = (raw.containers ?? []).map((c) => ({
      name: c.name ?? "",
      cpuCores: cpuCores(c.usage?.cpu ?? 0),
      memoryBytes: bytesOf(c.usage?.memory ?? 0),
    }));
    return {
      namespace: raw.metadata?.namespace ?? "",
      name: raw.metadata?.name ?? "",
      ...when(raw),
      containers,
      cpuCores: round9(containers.reduce((s, c) => s + c.cpuCores, 0)),
      memoryBytes: containers.reduce((s, c) => s + c.memoryBytes, 0),
    };
  });
}

async function read<T>(
  client: KubeClient,
  path: string,
  opts: MetricsQuery & { name?: string },
  parse: (raw: Raw) => T,
): Promise<MetricsResult<T>> {
  let body: { items?: Raw[] } & Raw;
  try {
    body = (await client.requestJson(path, {
      verb: opts.name ? "get" : "list",
      resource: path.includes("/nodes") ? "nodes.metrics.k8s.io" : "pods.metrics.k8s.io",
      query: { labelSelector: opts.labelSelector },
      ...(opts.signal ? { signal: opts.signal } : {}),
    })) as typeof body;
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 404 || err.status === 503)) {
      const noSample =
        err.status === 404 && !!opts.name && (err.objectName === opts.name || err.message.includes(`"${opts.name}" not found`));
      return { available: false, reason: noSample ? "no-metrics" : "metrics-api-unavailable", status: err.status, message: err.message };
    }
    throw err;
  }
  const raws = opts.name ? [body] : (body.items ?? []);
  return { available: true, items: raws.map(parse) };
}

const when = (raw: Raw): { timestamp?: Date; windowSeconds?: number } => {
  const out: { timestamp?: Date; windowSeconds?: number } = {};
  if (raw.timestamp) out.timestamp = new Date(raw.timestamp);
  const w = raw.window ? parseDurationSeconds(raw.window) : undefined;
  if (w !== undefined) out.windowSeconds = w;
  return out;
};

const round9 = (n: number): number => Math.round(n * 1e9) / 1e9;

/** Go's duration format as metrics-server prints windows: "10.262s", "1m0s", "500ms". */
function parseDurationSeconds(s: string): number | undefined {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  let total = 0;
  let rest = s;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return round9(total);
}
