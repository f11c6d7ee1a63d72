// HTTP tests of the analyzer's REST API: a simulated cluster (a scenario on a virtual clock), a ClusterCache
// on it, and the API router in the service kit's express app on a free loopback port, answers checked
// against each route's response schema. Only the API: no NATS, no alert pipeline.
//
//   const api = await startApi({ scenario: "oom-crashloop" });
//   const { status, body } = await api.get("/api/v1/pods/shop/payments-api-…/describe");
//   await api.stop();
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { KubernetesObject } from "@kubernetes/client-node";
import { noTelemetry, noUsage, type TelemetryView, type UsageView } from "@vigil/analysis";
import { ClusterCache, type KindName, type KubeLogger, kubeConfigFromUrl } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { createHttpApp, createLogger, loadConfig, Readiness } from "@vigil/service";
import { waitFor } from "@vigil/testing";
import express from "express";
import { Registry } from "prom-client";
import { ApiMetrics } from "../src/api/api-metrics.js";
import type { ApiContext, ApiRoute } from "../src/api/route.js";
import { apiRouter } from "../src/api/router.js";
import { apiRoutes } from "../src/api/routes/index.js";
import { analysisSettingsFrom, analyzerConfigShape, type AnalyzerConfig } from "../src/config.js";
import type { IncidentReader } from "../src/pipeline/incident-reader.js";

export { waitFor } from "@vigil/testing";

export interface StartApiOptions {
  /** A shipped scenario (kube-sim README) to start a simulator with; ignored when `sim` is given. */
  scenario?: string;
  /** A running simulator to use instead (not stopped by `stop()`). */
  sim?: KubeSim;
  /** Kinds to cache; DEFAULT_CACHED_KINDS by default (fewer make a second harness on a big simulator cheap). */
  kinds?: readonly KindName[];
  /** The route table; the real one (routes/index.ts) by default. */
  routes?: readonly ApiRoute[];
  /** Analyzer environment, e.g. `{ REQUEST_TIMEOUT: "1ms", POD_RESTART_THRESHOLD: "3" }`. */
  env?: Record<string, string>;
  /** Defaults: none (every usage answer "unavailable", every telemetry window empty, no incidents). */
  usage?: UsageView;
  telemetry?: TelemetryView;
  incidents?: IncidentReader;
}

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A body as any envelope may carry it; tests narrow what they read. */
export interface EnvelopeBody {
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
  metadata?: { requestId: string; timestamp: string };
}

export interface ApiHarness {
  url: string;
  sim: KubeSim;
  cache: ClusterCache;
  registry: Registry;
  config: AnalyzerConfig;
  /** The express app (tests walk its router stack). */
  app: express.Express;
  /** A request to the API; the body parsed as JSON. */
  get<T = EnvelopeBody>(path: string, init?: RequestInit): Promise<ApiAnswer<T>>;
  /** Resolves once the cache holds exactly what the simulator holds (after `sim.load`, a patch, `sim.advance`). */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Advances the simulator's virtual clock, then waits for the cache to catch up. */
  advance(duration: string | number): Promise<void>;
  stop(): Promise<void>;
}

/** Nothing known about incidents: the list is empty and every id is unknown (404). */
export const noIncidents: IncidentReader = {
  list: () => Promise.resolve([]),
  get: () => Promise.resolve(undefined),
};

const quietKube: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };

export async function startApi(opts: StartApiOptions = {}): Promise<ApiHarness> {
  const config = loadConfig(analyzerConfigShape, { ...opts.env, PORT: "0" }, { port: 0 });
  const ownSim = !opts.sim;
  const sim = opts.sim ?? (await KubeSim.start({ clock: "virtual", ...(opts.scenario ? { scenario: opts.scenario } : {}) }));
  const registry = new Registry();
  const cache = new ClusterCache({
    kubeConfig: kubeConfigFromUrl(sim.url),
    ...(opts.kinds ? { kinds: opts.kinds } : {}),
    log: quietKube,
    registry,
    reflector: { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 5_000 },
  });
  cache.start();
  let server: Server | undefined;
  const stop = async () => {
    if (server) await closeServer(server);
    await cache.stop();
    if (ownSim) await sim.stop();
  };
  try {
    if (!(await cache.waitForSync(20_000))) throw new Error(`caches did not sync: ${JSON.stringify(cache.cachesSynced())}`);
    const makeContext = (): ApiContext => ({
      cache,
      now: cache.clock.now(),
      telemetry: opts.telemetry ?? noTelemetry,
      usage: opts.usage ?? noUsage,
      settings: analysisSettingsFrom(config),
      incidents: opts.incidents ?? noIncidents,
    });
    const router = express.Router();
    router.use(
      apiRouter(opts.routes ?? apiRoutes, makeContext, {
        requestTimeoutMs: config.REQUEST_TIMEOUT,
        metrics: new ApiMetrics(registry),
        validateResponses: true,
      }),
    );
    const app = createHttpApp({
      log: createLogger("analyzer-test", process.env.TEST_LOG_LEVEL ?? "silent"),
      registry,
      readiness: new Readiness(),
      router,
      isStarted: () => true,
      isShuttingDown: () => false,
    });
    server = createServer(app);
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once("error", reject);
      listening.listen(0, "127.0.0.1", resolve);
    });
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const caughtUp = (timeoutMs = 10_000) => cacheCaughtUp(sim, cache, timeoutMs);
    return {
      url,
      sim,
      cache,
      registry,
      config,
      app,
      get: async <T>(path: string, init?: RequestInit) => {
        const res = await fetch(`${url}${path}`, init);
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
      },
      caughtUp,
      advance: async (duration) => {
        await sim.advance(duration);
        await caughtUp();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

const versionsOf = (objects: readonly KubernetesObject[]): string =>
  objects
    .map((o) => `${o.metadata?.uid}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(",");

async function cacheCaughtUp(sim: KubeSim, cache: ClusterCache, timeoutMs: number): Promise<void> {
  // The cluster clock follows the API server's Date header: ask once, so a virtual jump is seen at once.
  await cache.client.request("/version", { verb: "get", resource: "version" });
  await waitFor(
    () => {
      const behind = cache.kinds.filter(
        (k) => versionsOf(cache.store(k).list() as KubernetesObject[]) !== versionsOf(sim.list(k) as KubernetesObject[]),
      );
      return behind.length === 0 || Promise.reject(new Error(`cache behind the simulator for ${behind.join(", ")}`));
    },
    { timeoutMs, intervalMs: 20, message: "cache did not catch up with the simulator" },
  );
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
