// The environment of one service process: the user's, then what the stack wires (where NATS, PostgreSQL and the
// cluster are, its port, JSON logs for the stack to format), then the caller's extras for that service.
import { join } from "node:path";
import type { Environment, ResolvedStackOptions } from "./resolve-options.js";
import type { ServiceName } from "./stack-options.js";

export interface Wiring {
  natsUrl: string;
  databaseUrl: string;
  /** Unset: the services use the pod's service account (in-cluster). */
  kubeconfig?: string;
  port: number;
}

/** Below the stack's SIGKILL grace (service-process.ts): a service finishes its own drain first. */
const SHUTDOWN_TIMEOUT_MS = "8000";

export function serviceEnvironment(
  name: ServiceName,
  resolved: ResolvedStackOptions,
  base: Environment,
  wiring: Wiring,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...base,
    NATS_URL: wiring.natsUrl,
    DATABASE_URL: wiring.databaseUrl,
    KUBECONFIG: wiring.kubeconfig,
    PORT: String(wiring.port),
    HOST: resolved.host,
    LOG_LEVEL: resolved.logLevel,
    // The stack parses each line; a service's own pretty output (LOG_FORMAT=pretty in the user's shell) would not parse.
    LOG_FORMAT: "json",
    SHUTDOWN_TIMEOUT_MS: base.SHUTDOWN_TIMEOUT_MS ?? SHUTDOWN_TIMEOUT_MS,
  };
  if (name === "executor" || name === "effectiveness") {
    // The shipped policy file (the built-in default has the same content): edits take effect on the next start. The
    // effectiveness service reads it for the namespace classes its autonomy ledger is kept by.
    env.EXECUTOR_POLICY_FILE = base.EXECUTOR_POLICY_FILE ?? join(resolved.root, "deploy", "executor", "policy.yaml");
  }
  // Its gRPC port would be fixed (3102) while the HTTP port moves: free ports for one mean free ports for both.
  if (name === "ebpf-ingest" && resolved.ports["ebpf-ingest"] === 0) env.INGEST_GRPC_PORT = base.INGEST_GRPC_PORT ?? "0";
  return { ...env, ...extra };
}
