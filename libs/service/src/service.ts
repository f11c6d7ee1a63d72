import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bus } from "@vigil/bus";
import type { StreamDefinition } from "@vigil/contracts";
import type { Database } from "@vigil/db";
// Only the config schema up front: the pool, pg and the migration runner load when a service declares a database
// (a collector on every node would otherwise carry pg, node-pg-migrate and glob in its heap for nothing).
import { checkDatabaseConfig, type DatabaseConfig, databaseConfigShape } from "@vigil/db/config";
import express from "express";
import type { Logger } from "pino";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { z } from "zod";
import { type BaseConfig, ConfigError, loadConfig } from "./config.js";
import type { DatabaseRequirement } from "./database.js";
import { createHttpApp } from "./http-app.js";
import { createLogger } from "./logger.js";
import { Readiness, type ReadinessResult } from "./readiness.js";

export interface ServiceContext<C> {
  name: string;
  config: C;
  log: Logger;
  registry: Registry;
  bus: Bus;
  /** The PostgreSQL pool, migrated; only for services whose definition declares `database` (throws otherwise). */
  readonly db: Database;
  /** Mount the service's HTTP routes here. */
  router: express.Router;
  readiness: Readiness;
  /**
   * Runs at shutdown (last registered runs first), after HTTP stopped accepting and the consumers stopped
   * (their in-flight handlers have finished, so closing a pool here breaks no work), before the bus
   * awaits its publishes' acks and drains.
   */
  onShutdown: (hook: () => Promise<void> | void) => void;
  /**
   * Runs when shutdown begins, before in-flight HTTP requests are awaited: ends long-lived responses
   * (SSE streams) that would otherwise hold the server open until the shutdown deadline.
   */
  onShutdownStart: (hook: () => void) => void;
}

export interface ServiceDefinition<S extends z.ZodRawShape> {
  /** Short name: `webhook` becomes the NATS connection name `vigil-webhook`. */
  name: string;
  defaultPort: number;
  config?: S;
  /** Cross-field checks; each returned problem is reported with the other configuration errors. */
  checkConfig?(config: BaseConfig & z.infer<z.ZodObject<S>>): string[];
  /** PostgreSQL: DATABASE_URL becomes required, migrations run before setup, the pool closes after the consumers. */
  database?: DatabaseRequirement;
  /** Streams to create or update at startup; all of Vigil's by default. */
  streams?: readonly StreamDefinition[];
  setup(ctx: ServiceContext<BaseConfig & z.infer<z.ZodObject<S>>>): Promise<void> | void;
}

export interface RunningService<C> {
  config: C;
  port: number;
  server: Server;
  bus: Bus;
  db?: Database;
  log: Logger;
  /** Graceful stop; resolves true when everything finished within SHUTDOWN_TIMEOUT_MS. */
  shutdown(reason?: string): Promise<boolean>;
}

/**
 * Starts a service: config from the environment, logs, metrics, health endpoints, NATS with stream
 * provisioning, the service's own setup, and graceful shutdown. HTTP listens first so liveness holds
 * while NATS is still unreachable; readiness turns true once everything is up.
 */
export async function startService<S extends z.ZodRawShape>(
  def: ServiceDefinition<S>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<RunningService<BaseConfig & z.infer<z.ZodObject<S>>>> {
  type C = BaseConfig & z.infer<z.ZodObject<S>>;
  const shape = def.database ? ({ ...databaseConfigShape, ...def.config } as unknown as S) : (def.config ?? ({} as S));
  const config: C = loadConfig(shape, env, { port: def.defaultPort });
  const problems = [
    ...(def.database ? checkDatabaseConfig(config as unknown as DatabaseConfig) : []),
    ...(def.checkConfig?.(config) ?? []),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const log = createLogger(`vigil-${def.name}`, config.LOG_LEVEL);
  const registry = new Registry();
  // The event-loop delay monitor samples every 10 ms by default, which alone costs ~0.6 % of a core in an
  // idle process (measured for the collector's 1 % budget); every 100 ms still catches any stall worth seeing.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  new Gauge({
    name: "vigil_service_info",
    help: "Service name and version",
    labelNames: ["service", "version"],
    registers: [registry],
  }).set({ service: def.name, version: process.env.npm_package_version ?? "0.1.0" }, 1);

  const readiness = new Readiness();
  const router = express.Router();
  const hooks: Array<() => Promise<void> | void> = [];
  const startHooks: Array<() => void> = [];
  let started = false;
  let shuttingDown = false;
  let bus: Bus | undefined;
  let db: Database | undefined;
  readiness.add("nats", async () => (bus ? (await bus.ping()) || "NATS or JetStream unreachable" : "not connected yet"));

  const app = createHttpApp({ log, registry, readiness, router, isStarted: () => started, isShuttingDown: () => shuttingDown });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000; // above common load-balancer idle timeouts, so they close first
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, nats: config.NATS_URL }, "listening; connecting to NATS");

  let shutdownPromise: Promise<boolean> | undefined;
  const shutdown = (reason = "shutdown requested") =>
    (shutdownPromise ??= (async () => {
      shuttingDown = true;
      log.info({ reason, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "shutting down");
      const until = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
      if (config.SHUTDOWN_DELAY_MS > 0) await new Promise((r) => setTimeout(r, config.SHUTDOWN_DELAY_MS));
      // Stop accepting; requests already in progress run to completion (their publishes are awaited).
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const hook of startHooks) {
        try {
          hook();
        } catch (err) {
          log.error({ err }, "shutdown-start hook failed");
        }
      }
      server.closeIdleConnections();
      // Meanwhile consumers stop pulling and their in-flight handlers finish (given up on at the deadline):
      // both before any hook closes what requests and handlers use.
      const consumersStopped = bus
        ?.stopConsumers(Math.max(0, until - Date.now()))
        .catch((err) => log.error({ err }, "stopping consumers failed"));
      const httpDone = await closedWithin(closed, Math.max(0, until - Date.now()));
      if (!httpDone) server.closeAllConnections();
      await consumersStopped;
      for (const hook of hooks.reverse()) await Promise.resolve(hook()).catch((err) => log.error({ err }, "shutdown hook failed"));
      // After the consumers and hooks: nothing that could still need a connection is running.
      if (db && !(await db.close(Math.max(0, until - Date.now())))) log.warn("database pool closed with queries still running");
      await bus?.drain(Math.max(0, until - Date.now())).catch((err) => log.error({ err }, "NATS drain failed"));
      const clean = httpDone && Date.now() <= until;
      log.info({ clean }, "stopped");
      return clean;
    })());

  // A start that fails after HTTP listens (NATS unreachable for good, a setup that throws) stops what it began,
  // running the shutdown hooks registered so far, so a caller that catches the error is left with nothing open.
  try {
    bus = await Bus.connect({
      servers: config.NATS_URL,
      name: `vigil-${def.name}`,
      log,
      registry,
      token: config.NATS_TOKEN,
      user: config.NATS_USER,
      pass: config.NATS_PASSWORD,
      publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
      reconnectTimeWaitMs: config.NATS_RECONNECT_WAIT_MS,
      streamReplicas: config.NATS_STREAM_REPLICAS,
    });
    await bus.provision(def.streams);
    if (def.database) {
      const requirement = def.database;
      const { openServiceDatabase } = await import("./database.js");
      db = await openServiceDatabase({
        name: def.name,
        config: config as unknown as DatabaseConfig,
        requirement,
        log,
        registry,
        readiness,
        isShuttingDown: () => shuttingDown,
      });
    }
    const connected = bus;
    await def.setup({
      name: def.name,
      config,
      log,
      registry,
      bus: connected,
      get db(): Database {
        if (!db) throw new Error(`service ${def.name} uses a database but its definition does not declare \`database\``);
        return db;
      },
      router,
      readiness,
      onShutdown: (h) => void hooks.push(h),
      onShutdownStart: (h) => void startHooks.push(h),
    });
    // A service that consumes (its setup started consumers) is ready only while every consumer is pulling.
    if (connected.consumersHealth().length > 0) readiness.add("consumers", () => consumersReadiness(connected));
  } catch (err) {
    await shutdown(`start failed: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
  started = true;
  log.info({ port }, "service ready");

  return { config, port, server, bus, ...(db ? { db } : {}), log, shutdown };
}

/** Entry point for `main.ts`: starts the service, exits on SIGTERM/SIGINT after a graceful stop, 78 on bad config. */
export function runService<S extends z.ZodRawShape>(def: ServiceDefinition<S>): void {
  startService(def).then(
    (svc) => {
      const stop = (signal: string) => {
        void svc.shutdown(`received ${signal}`).then((clean) => process.exit(clean ? 0 : 1));
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    },
    (err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(
          `vigil-${def.name}: ${err.message}\nSet the variables above (see README.md, "Configuration") and start again.\n`,
        );
        process.exit(78); // EX_CONFIG
      }
      process.stderr.write(`vigil-${def.name}: failed to start: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

/** True when `closed` settles within `ms`. The timer is cleared either way: a pending one would keep the process up to the whole deadline. */
async function closedWithin(closed: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([closed.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Ready when every consumer is pulling; otherwise names each one that is not, and why. */
function consumersReadiness(bus: Bus): ReadinessResult {
  const all = bus.consumersHealth();
  const down = all.filter((c) => !c.ok);
  if (down.length === 0) return { ok: true, detail: `${all.length} running` };
  return { ok: false, detail: down.map((c) => `${c.consumer} (stream ${c.stream}): ${c.detail}`).join("; ") };
}
