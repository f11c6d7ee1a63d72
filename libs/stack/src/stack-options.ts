// The contract of a local Vigil stack, shared by `npm start`, `npm run demo` and the smoke test.
import { SERVICE_PORTS, type ServiceName } from "@vigil/contracts";
import type { KubeSim } from "@vigil/kube-sim";

/** The seven services, in pipeline order (also the order they are started and listed in), and their ports. */
export { SERVICE_NAMES, type ServiceName } from "@vigil/contracts";

/** Where each service listens by default on a developer machine (the ports the README and the CLI assume). */
export const DEFAULT_PORTS: Record<ServiceName, number> = SERVICE_PORTS;

export type LogFormat = "pretty" | "json" | "quiet";

export interface StackOptions {
  /** The repository root (services are run from services/<name>/dist/main.js). */
  root: string;
  /** Persistent state: NATS store, embedded PostgreSQL data (default <root>/.vigil). */
  dataDir?: string;
  /** Use this NATS instead of starting nats-server. */
  natsUrl?: string;
  /** Use this PostgreSQL instead of the embedded one. */
  databaseUrl?: string;
  /** A real cluster's kubeconfig; without it the simulator runs `scenario`. */
  kubeconfig?: string;
  /** Simulator scenario (default VIGIL_SCENARIO, else "oom-crashloop": something to fix). */
  scenario?: string;
  /** Simulator clock (default "real"; the demo uses "virtual" and advances it). */
  clock?: "real" | "virtual";
  /** Which services to start (default all of SERVICE_NAMES). */
  services?: readonly ServiceName[];
  /** Port per service; 0 = a free port (tests). Default DEFAULT_PORTS. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Extra environment per service, on top of the stack's own. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** How service log lines reach `output` (default: "pretty" on a TTY, "json" otherwise or with LOG_FORMAT=json). */
  logFormat?: LogFormat;
  /** Where the stack writes its own and the services' lines (default process.stdout). */
  output?: NodeJS.WritableStream;
  /** Progress of the start (e.g. "PostgreSQL ready in 1.4 s"), for the caller to show. */
  onProgress?: (line: string) => void;
  /**
   * What the options fall back to (default process.env): NATS_URL, DATABASE_URL, KUBECONFIG, KUBERNETES_SERVICE_HOST,
   * VIGIL_SCENARIO, VIGIL_DATA_DIR, LOG_FORMAT, LOG_LEVEL, NATS_PORT, PG_PORT, KUBE_SIM_PORT, <NAME>_PORT, HOST. The
   * services inherit it too. The demo passes a copy without KUBECONFIG to be sure of the simulator.
   */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Aborting while the stack starts stops what already started, and startStack rejects. */
  signal?: AbortSignal;
}

export interface RunningService {
  name: ServiceName;
  url: string;
  pid: number;
}

export interface Stack {
  natsUrl: string;
  databaseUrl: string;
  /** The kubeconfig the services use (the simulator's, or the caller's). */
  kubeconfig: string;
  /** The simulator, when the stack runs one. */
  sim?: KubeSim;
  /** The started services (all seven unless options.services names fewer), with their real URLs and pids. */
  services: Record<ServiceName, RunningService>;
  /** Resolves once every started service's /readyz answers 200; rejects naming the ones that did not, with their last log lines. */
  ready(opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<void>;
  /** Stops every service (SIGTERM, then SIGKILL after a grace period), then the simulator, PostgreSQL and NATS it started. */
  stop(): Promise<void>;
  /** Resolves with the name of the first service that exits on its own (for `npm start` to stop everything). */
  exited: Promise<{ name: ServiceName; code: number | null; signal: string | null; lastLines: string[] }>;
  /** Immediately SIGKILLs everything the stack started (a second Ctrl-C); stop() is the clean way. */
  kill(): void;
  /** The output format the stack resolved (options, LOG_FORMAT, TTY). */
  logFormat: LogFormat;
  /** Writes a line of the caller's own in the stack's format (e.g. the readiness summary). */
  print(message: string, fields?: Record<string, unknown>, level?: "info" | "warn" | "error"): void;
  /** Writes the caller's text as it is (e.g. the summary block), after the services' lines still being folded. */
  write(text: string): void;
  dataDir: string;
  /** The simulator's scenario, when the stack runs one. */
  scenario?: string;
  /** The servers the stack started itself (nats-server, postgres), for `ps` and the smoke test. */
  infrastructure: Array<{ name: "nats" | "postgres"; pid: number }>;
}

export type StartStack = (opts: StackOptions) => Promise<Stack>;
