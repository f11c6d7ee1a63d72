// An app's dependencies on the rest of the cluster, as its behaviour declares them: configuration that must name a
// reachable Service (checked at start: anything else exits 1 with the error a real client logs), upstreams it calls
// while running (unreachable ones fail its readiness and fill its log, until they come back), and the warnings an
// ingress controller logs about Ingress backends. Checks repeat every readiness period against the cluster as it is.
import type { Cluster } from "../cluster.js";
import { rfc3339 } from "../clock.js";
import { R } from "../api/resources.js";
import type { ContainerBehaviour, ServiceUrlRule } from "../behaviour/vocabulary.js";
import type { Container, KubeObject, Pod } from "../types.js";
import { dial } from "./dial.js";
import { resolveEnv } from "./env.js";
import { probeTiming } from "./fate.js";
import type { Instance } from "./runtime.js";
import { states, type DependencyState } from "./dependency-state.js";

/** Well-known default ports, as client libraries assume them when a URL has none. */
const DEFAULT_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  redis: 6379,
  rediss: 6379,
  mongodb: 27017,
  amqp: 5672,
  nats: 4222,
  kafka: 9092,
  grpc: 50051,
};

/** Without a readiness probe an app still retries (and logs) about every 10 s. */
const DEFAULT_PERIOD_MS = 10_000;
const MAX_LINES = 500;

export const hasDependencies = (b: ContainerBehaviour): boolean =>
  b.serviceUrls.length > 0 || b.upstreams.length > 0 || b.ingressController;

export const checkPeriodMs = (spec: Container): number =>
  spec.readinessProbe ? probeTiming(spec.readinessProbe).periodMs : DEFAULT_PERIOD_MS;

/** The first check runs when the first readiness probe would: one period after its initial delay. */
export const dependencyDelayMs = (spec: Container): number =>
  (spec.readinessProbe ? probeTiming(spec.readinessProbe).initialDelayMs : 0) + checkPeriodMs(spec);

/** An HTTP upstream whose host an Ingress serves: ingress-nginx answers 503 while the backend has no ready endpoint. */
const viaIngress = (cluster: Cluster, host: string): string | undefined => {
  for (const ing of cluster.list(R.ingresses)) {
    for (const rule of (ing.spec?.rules ?? []) as Array<{
      host?: string;
      http?: { paths?: Array<{ backend?: { service?: { name: string } } }> };
    }>) {
      if (rule.host !== host) continue;
      const name = rule.http?.paths?.[0]?.backend?.service?.name ?? ing.spec?.defaultBackend?.service?.name;
      const ok = name !== undefined && backendProblem(cluster, ing.metadata.namespace!, name) === undefined;
      return ok ? "" : "Request failed with status code 503 (Service Temporarily Unavailable)";
    }
  }
  return undefined;
};

/** What a client library reports when it connects to `raw`, or undefined when it gets through. */
export const urlProblem = (cluster: Cluster, pod: Pod, raw: string, schemes: string[] = []): string | undefined => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "TypeError [ERR_INVALID_URL]: Invalid URL";
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (schemes.length && !schemes.includes(scheme))
    return `unsupported protocol "${url.protocol}" (expected ${schemes.map((s) => `${s}:`).join(", ")})`;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!host) return `TypeError [ERR_INVALID_URL]: Invalid URL`;
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[scheme];
  if (port === undefined) return `no port in ${url.protocol}//${host} and no default port for "${url.protocol}"`;
  if (scheme === "http" || scheme === "https") {
    const ingress = viaIngress(cluster, host);
    if (ingress !== undefined) return ingress || undefined;
  }
  const r = dial(cluster, pod, host, port);
  return r.ok ? undefined : `Error: ${r.error}`;
};

/** Where a URL points, without credentials, for log lines. */
const redact = (raw: string): string => {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return raw;
  }
};

const serviceUrlProblem = (cluster: Cluster, pod: Pod, rule: ServiceUrlRule, env: Map<string, string>): string | undefined => {
  const value = env.get(rule.env);
  if (!value) return `missing required environment variable ${rule.env}`;
  const problem = urlProblem(cluster, pod, value, rule.schemes);
  return problem && `${rule.env}: ${problem}`;
};

/** Called when the container is created: the line the app dies with when its configuration is unusable. */
export const startDependencies = (
  cluster: Cluster,
  pod: Pod,
  spec: Container,
  b: ContainerBehaviour,
  inst: Instance,
  env: Map<string, string>,
) => {
  if (!hasDependencies(b)) return undefined;
  const state: DependencyState = { env, failures: 0, unready: false, lines: [] };
  states.set(inst, state);
  for (const rule of b.serviceUrls) {
    const problem = serviceUrlProblem(cluster, pod, rule, env);
    if (problem) return (state.fatal = [`FATAL: ${problem}`]);
  }
  // An upstream already down at start: the first readiness probe fails, and the app never becomes ready.
  const down = b.upstreams.map((u) => urlProblem(cluster, pod, u)).filter(Boolean);
  if (down.length && spec.readinessProbe) {
    state.failures = probeTiming(spec.readinessProbe).failureThreshold;
    state.unready = true;
  }
  return undefined;
};

/** ingress-nginx's warnings for a backend Service (controller.go). */
const backendProblem = (cluster: Cluster, ns: string, name: string): string | undefined => {
  const key = `${ns}/${name}`;
  if (!cluster.get(R.services, ns, name))
    return `Error obtaining Endpoints for Service "${key}": no object matching key "${key}" in local store`;
  const ep = cluster.get(R.endpoints, ns, name);
  const ready = ((ep?.subsets ?? []) as Array<{ addresses?: unknown[] }>).some((s) => (s.addresses ?? []).length > 0);
  return ready ? undefined : `Service "${key}" does not have any active Endpoint.`;
};

const ingressBackends = (ing: KubeObject): string[] => {
  const names = new Set<string>();
  const svc = ing.spec?.defaultBackend?.service?.name;
  if (svc) names.add(svc);
  for (const rule of (ing.spec?.rules ?? []) as Array<{ http?: { paths?: Array<{ backend?: { service?: { name?: string } } }> } }>) {
    for (const p of rule.http?.paths ?? []) if (p.backend?.service?.name) names.add(p.backend.service.name);
  }
  return [...names];
};

/** klog's header: W1207 10:20:30.123456       7 controller.go:1214] */
const klog = (at: number, line: number, msg: string): string => {
  const ts = rfc3339(at);
  const micros = `${String(at % 1000).padStart(3, "0")}000`;
  return `W${ts.slice(5, 7)}${ts.slice(8, 10)} ${ts.slice(11, 19)}.${micros}       7 controller.go:${line}] ${msg}`;
};

const ingressWarnings = (cluster: Cluster, at: number): string[] =>
  cluster
    .list(R.ingresses)
    .flatMap((ing) => ingressBackends(ing).map((name) => backendProblem(cluster, ing.metadata.namespace!, name)))
    .filter((p): p is string => p !== undefined)
    .map((p) => klog(at, p.startsWith("Service") ? 1214 : 1108, p));

/** One periodic check of a running instance: updates its readiness verdict and log; true while something fails. */
export const checkDependencies = (
  cluster: Cluster,
  pod: Pod,
  spec: Container,
  b: ContainerBehaviour,
  inst: Instance,
  at: number,
): boolean => {
  let state = states.get(inst);
  if (!state) {
    const env = resolveEnv(cluster, pod, spec);
    states.set(inst, (state = { env: env.ok ? env.values : new Map(), failures: 0, unready: false, lines: [] }));
  }
  const problems = [
    ...b.serviceUrls.map((rule) => serviceUrlProblem(cluster, pod, rule, state.env)),
    ...b.upstreams.map((u) => {
      const p = urlProblem(cluster, pod, u);
      return p && `upstream ${redact(u)}: ${p}`;
    }),
  ].filter((p): p is string => p !== undefined);
  const log = (text: string) => state.lines.push({ at, text });
  if (problems.length) {
    for (const p of problems) log(`ERROR ${p}`);
    state.failures++;
  } else {
    if (state.failures > 0) log("INFO all upstreams reachable again");
    state.failures = 0;
  }
  if (b.ingressController) for (const w of ingressWarnings(cluster, at)) log(w);
  const threshold = spec.readinessProbe ? probeTiming(spec.readinessProbe).failureThreshold : Infinity;
  state.unready = state.failures >= threshold;
  if (state.lines.length > MAX_LINES) state.lines.splice(0, state.lines.length - MAX_LINES);
  return problems.length > 0;
};
