// What a stack runs, from the caller's options first, then the environment (what `npm start` users set), then the
// defaults. Every problem is reported at once, naming the variable and what it accepts.
import { join, resolve } from "node:path";
import { DEFAULT_PORTS, SERVICE_NAMES, type LogFormat, type ServiceName, type StackOptions } from "./stack-options.js";

/** Without one, the simulator runs a scenario that has something to fix: the summary says which. */
export const DEFAULT_SCENARIO = "oom-crashloop";
const LOG_FORMATS: readonly LogFormat[] = ["pretty", "json", "quiet"];

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ResolvedStackOptions {
  root: string;
  dataDir: string;
  /** Set: use this NATS; unset: run nats-server on natsPort (0: a free one) with its store under dataDir. */
  natsUrl?: string;
  natsPort: number;
  /** Set: use this PostgreSQL; unset: the embedded one on pgPort (0: a free one). */
  databaseUrl?: string;
  pgPort: number;
  /** Where the services find the cluster: a kubeconfig file, the pod's service account, or the simulator. */
  cluster: { kind: "kubeconfig"; path: string } | { kind: "in-cluster" } | { kind: "simulator"; scenario: string; port: number };
  clock: "real" | "virtual";
  services: ServiceName[];
  /** 0: a free port, picked when the service starts. */
  ports: Record<ServiceName, number>;
  /** Where the services listen (default 127.0.0.1: a local stack is not reachable from the network). */
  host: string;
  logFormat: LogFormat;
  /** The services' LOG_LEVEL: the user's, else info (warn in quiet mode: less to parse and drop). */
  logLevel: string;
  /** ANSI colours in pretty and quiet output. */
  color: boolean;
}

/** `WEBHOOK_PORT`, `EBPF_INGEST_PORT`: the variable that moves one service. */
export const portVariable = (name: ServiceName): string => `${name.toUpperCase().replace(/-/g, "_")}_PORT`;

function port(env: Environment, variable: string, fallback: number, problems: string[]): number {
  const text = env[variable];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    problems.push(`${variable}: must be a port number from 0 (a free one) to 65535 (got ${JSON.stringify(text)})`);
    return fallback;
  }
  return value;
}

/** Resolves a stack's options against the environment; throws one error listing every problem. */
export function resolveStackOptions(opts: StackOptions, env: Environment, outputIsTty: boolean): ResolvedStackOptions {
  const problems: string[] = [];
  const root = resolve(opts.root);

  const services = [...(opts.services ?? SERVICE_NAMES)];
  const unknown = services.filter((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0) problems.push(`services: unknown ${unknown.join(", ")}; choose from ${SERVICE_NAMES.join(", ")}`);

  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICE_NAMES) {
    const given = opts.ports?.[name];
    ports[name] = given !== undefined ? given : port(env, portVariable(name), DEFAULT_PORTS[name], problems);
  }

  const formatText = env.LOG_FORMAT;
  let logFormat: LogFormat = outputIsTty ? "pretty" : "json";
  if (opts.logFormat) logFormat = opts.logFormat;
  else if (formatText) {
    if ((LOG_FORMATS as readonly string[]).includes(formatText)) logFormat = formatText as LogFormat;
    else problems.push(`LOG_FORMAT: must be one of ${LOG_FORMATS.join(", ")} (got ${JSON.stringify(formatText)})`);
  }

  const kubeconfig = opts.kubeconfig ?? (env.KUBECONFIG || undefined);
  const cluster: ResolvedStackOptions["cluster"] = kubeconfig
    ? { kind: "kubeconfig", path: resolve(kubeconfig) }
    : env.KUBERNETES_SERVICE_HOST
      ? { kind: "in-cluster" }
      : {
          kind: "simulator",
          scenario: opts.scenario ?? (env.VIGIL_SCENARIO || DEFAULT_SCENARIO),
          port: port(env, "KUBE_SIM_PORT", 0, problems),
        };

  const resolved: ResolvedStackOptions = {
    root,
    dataDir: resolve(opts.dataDir ?? (env.VIGIL_DATA_DIR || join(root, ".vigil"))),
    natsPort: port(env, "NATS_PORT", 0, problems),
    pgPort: port(env, "PG_PORT", 0, problems),
    cluster,
    clock: opts.clock ?? "real",
    services,
    ports,
    host: env.HOST || "127.0.0.1",
    logFormat,
    logLevel: env.LOG_LEVEL || (logFormat === "quiet" ? "warn" : "info"),
    color: outputIsTty && env.NO_COLOR === undefined,
  };
  const natsUrl = opts.natsUrl ?? (env.NATS_URL || undefined);
  if (natsUrl) resolved.natsUrl = natsUrl;
  const databaseUrl = opts.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (databaseUrl) resolved.databaseUrl = databaseUrl;

  if (problems.length > 0) throw new Error(`cannot start Vigil:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return resolved;
}
