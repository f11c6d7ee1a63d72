// The readiness summary `npm start` prints once everything answers /readyz: every URL and what it offers, where
// NATS, PostgreSQL and the cluster are, how to look at the simulator and send a test alert, and how to stop.
import { join, relative } from "node:path";
import { formatStackLine } from "./log-format.js";
import { SERVICE_NAMES, type ServiceName, type Stack } from "./stack-options.js";

/** What each service offers a user, besides /metrics, /healthz and /readyz (each service's README has the rest). */
export const SERVICE_OFFERS: Record<ServiceName, string> = {
  webhook: "POST /alerts: the Alertmanager webhook receiver",
  analyzer: "incidents and diagnoses: /api/v1/incidents, the analysis API: /api/v1/openapi.json",
  investigator: "MCP (Streamable HTTP) at /mcp, /api/v1/rules, /api/v1/calibration",
  executor: "actions: /api/v1/actions, approvals: /api/v1/approvals, catalog: /api/v1/catalog",
  effectiveness: "assessments: /api/v1/assessments, /api/v1/effectiveness",
  collector: "node telemetry: /history, /stream (SSE)",
  "ebpf-ingest": "kernel events: POST /events (and gRPC)",
};

/** A password in a URL the user gave is not printed; the embedded PostgreSQL's is a local constant and is. */
const withoutPassword = (url: string): string => url.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/, "$1***@");

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") ? rel : path;
}

export interface SummaryOptions {
  root: string;
  color: boolean;
  /** How long the start took, for the first line. */
  tookMs: number;
  cwd?: string;
}

/** The summary as the stack's output format wants it: a block of text, or one JSON line with every URL and pid. */
export function readinessSummary(stack: Stack, opts: SummaryOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const bold = (t: string) => (opts.color ? `\x1b[1m${t}\x1b[0m` : t);
  const dim = (t: string) => (opts.color ? `\x1b[90m${t}\x1b[0m` : t);
  const names = SERVICE_NAMES.filter((n) => stack.services[n]);
  const webhook = stack.services.webhook?.url;
  const embeddedPg = stack.infrastructure.some((p) => p.name === "postgres");
  const runsNats = stack.infrastructure.some((p) => p.name === "nats");
  const alertCommand = webhook
    ? `curl -s -XPOST ${webhook}/alerts -H 'content-type: application/json' -d @${shown(join(opts.root, "docs", "examples", "alert.json"), cwd)}`
    : undefined;
  const kubectl = stack.kubeconfig ? `kubectl --kubeconfig ${shown(stack.kubeconfig, cwd)} get pods -A` : undefined;

  if (stack.logFormat === "json") {
    return formatStackLine(
      "ready",
      { format: "json", color: false },
      {
        tookMs: opts.tookMs,
        services: Object.fromEntries(
          names.map((n) => [n, { url: stack.services[n].url, pid: stack.services[n].pid, offers: SERVICE_OFFERS[n] }]),
        ),
        natsUrl: stack.natsUrl,
        databaseUrl: embeddedPg ? stack.databaseUrl : withoutPassword(stack.databaseUrl),
        kubeconfig: stack.kubeconfig || null,
        simulator: stack.sim ? { url: stack.sim.url, scenario: stack.scenario } : null,
        infrastructure: stack.infrastructure,
        dataDir: stack.dataDir,
        testAlert: alertCommand ?? null,
      },
    );
  }

  const width = Math.max(...names.map((n) => n.length), "PostgreSQL".length) + 2;
  const row = (label: string, text: string) => `  ${label.padEnd(width)}${text}`;
  const lines = [
    "",
    bold(`Vigil is ready (${names.length} services, ${(opts.tookMs / 1000).toFixed(1)} s)`),
    ...names.map((n) => row(n, `${bold(stack.services[n].url.padEnd(24))} ${SERVICE_OFFERS[n]} ${dim(`(pid ${stack.services[n].pid})`)}`)),
    row("", dim("every service: /metrics (Prometheus), /healthz, /readyz")),
    row("NATS", `${stack.natsUrl}${runsNats ? dim(` (JetStream store ${shown(join(stack.dataDir, "nats"), cwd)})`) : ""}`),
    row(
      "PostgreSQL",
      embeddedPg
        ? `DATABASE_URL=${stack.databaseUrl} ${dim(`(embedded, data ${shown(join(stack.dataDir, "postgres"), cwd)})`)}`
        : withoutPassword(stack.databaseUrl),
    ),
    row(
      "Kubernetes",
      stack.sim
        ? `simulator at ${stack.sim.url}, scenario "${stack.scenario}" ${dim("(VIGIL_SCENARIO=<name> for another: ls libs/kube-sim/scenarios; KUBECONFIG for a real cluster)")}`
        : stack.kubeconfig
          ? `the cluster of KUBECONFIG=${stack.kubeconfig}`
          : "in-cluster (the pod's service account)",
    ),
    ...(kubectl ? [row("", kubectl)] : []),
    "",
    ...(alertCommand ? ["  Send a test alert:", `    ${alertCommand}`] : []),
    `  Follow it: npx vigil status | incidents | actions | approve <id> ${dim("(the CLI finds this stack by itself)")}`,
    ...(stack.sim
      ? [`  The whole loop, live, on several scenarios: npm run demo ${dim("(it runs a Vigil of its own, next to this one)")}`]
      : []),
    `  Reset everything: stop, then delete ${shown(stack.dataDir, cwd)}`,
    bold("  Ctrl-C to stop"),
    "",
  ];
  return lines.join("\n");
}
