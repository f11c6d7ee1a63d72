#!/usr/bin/env node
// `vigil-mcp`: the investigation tools over MCP stdio, for a desktop client that starts its servers as child
// processes (Claude Desktop, an IDE). Same tools and the same sources as the investigator's /mcp endpoint: it
// reads the cluster (KUBECONFIG) and Vigil's history and telemetry from NATS (NATS_URL), and only reads. Stdout
// is the protocol, so every log line goes to stderr. It stops when the client closes stdin, or on SIGTERM/SIGINT.
import { serveStdio, type StdioServerHandle } from "@modelcontextprotocol/server/stdio";
import { Bus } from "@vigil/bus";
import { ConfigError, createLogger, loadConfig } from "@vigil/service";
import { pino } from "pino";
import { Registry } from "prom-client";
import { z } from "zod";
import { McpMetrics } from "./mcp/mcp-metrics.js";
import { buildMcpServer } from "./mcp/mcp-server.js";
import { kubeConfigProblems, type StartedToolContext, startToolContext } from "./tool-context.js";

/** Exit code of a misconfigured start (the shell's "misuse"), distinct from a crash (1). */
const EXIT_CONFIG = 2;
/** Tools answer from caches: serving before they synced would report present objects as missing. */
const SYNC_WAIT_MS = 60_000;
const STOP_DEADLINE_MS = 5_000;

const stdioConfigShape = {
  // No default here, unlike a service: a desktop client that forgot it would otherwise read a local NATS silently.
  NATS_URL: z.string({ error: "required: the NATS server Vigil publishes to, e.g. nats://nats.vigil:4222" }).min(1),
};

/** The configuration, or every problem with it on stderr and exit code 2. */
function readConfig() {
  const problems = kubeConfigProblems();
  try {
    const config = loadConfig(stdioConfigShape, process.env, { port: 0 });
    if (problems.length === 0) return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.unshift(...err.problems);
  }
  process.stderr.write(`vigil-mcp: ${new ConfigError(problems).message}\n`);
  process.exit(EXIT_CONFIG);
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger("vigil-mcp", config.LOG_LEVEL, pino.destination(2));

  let stopping = false;
  let server: StdioServerHandle | undefined;
  let tools: StartedToolContext | undefined;
  let bus: Bus | undefined;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, "stopping");
    await server?.close().catch((err: unknown) => log.warn({ err }, "closing the stdio server failed"));
    await tools?.stop();
    await bus?.drain(STOP_DEADLINE_MS).catch((err: unknown) => log.warn({ err }, "NATS drain failed"));
    process.exit(0);
  };
  // Registered first: a client may give up (close stdin) while the caches are still syncing.
  process.stdin.once("end", () => void stop("stdin closed"));
  process.stdin.once("close", () => void stop("stdin closed"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));

  // Bus.connect waits for NATS as long as it takes: say so, since a desktop client shows only this stderr.
  log.info({ nats: config.NATS_URL }, "connecting to NATS");
  bus = await Bus.connect({
    servers: config.NATS_URL,
    name: "vigil-mcp",
    log,
    token: config.NATS_TOKEN,
    user: config.NATS_USER,
    pass: config.NATS_PASSWORD,
    reconnectTimeWaitMs: config.NATS_RECONNECT_WAIT_MS,
  });
  tools = await startToolContext({ bus, log });
  if (!(await tools.waitUntilSynced(SYNC_WAIT_MS))) log.warn({ waiting: tools.ready() }, "serving before every cache synced");
  if (stopping) return;

  const context = tools.context;
  const metrics = new McpMetrics(new Registry());
  server = serveStdio(() => buildMcpServer(context, { log, metrics }), {
    onerror: (err) => log.warn({ err }, "mcp stdio error"),
  });
  log.info({ ready: tools.ready() }, "serving the investigation tools over stdio");
}

main().catch((err: unknown) => {
  process.stderr.write(`vigil-mcp: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
