// Shared by the agent tests: a simulator scenario with a ClusterCache and a UsageCache on it, the ToolContext
// the tools read (the Vigil lookups are empty: these tests need no NATS), the scenario's diagnosis as the
// analyzer makes it, and LLM settings pointing at a scripted OpenAI-compatible server.
import { defaultAnalysisSettings, diagnose, NodeTelemetry, resolveTarget } from "@vigil/analysis";
import { alertMessageFor, scenarioExpectations } from "@vigil/acceptance";
import type { DiagnosisMessage } from "@vigil/contracts";
import { ClusterCache, DEFAULT_CACHED_KINDS, kubeConfigFromUrl, UsageCache, type KubeLogger } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { tools, type ToolContext } from "@vigil/toolbox";
import { pino, type Logger } from "pino";
import { createChatModel, InvestigationAgent, type InvestigationAgentOptions, type LlmSettings } from "../src/index.js";

const silent: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };

export interface AgentHarness {
  sim: KubeSim;
  ctx: ToolContext;
  /** Waits until the cache holds what the simulator holds (after a write to the simulator). */
  caughtUp(): Promise<void>;
  /** The scenario's diagnosis, as the analyzer makes it for the scenario's alert. */
  diagnose(): Promise<DiagnosisMessage>;
  stop(): Promise<void>;
}

type Versioned = { metadata?: { uid?: string; resourceVersion?: string } };
const versions = (objects: readonly Versioned[]): string =>
  objects
    .map((o) => `${o.metadata?.uid}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(",");

export async function agentHarness(scenario: string): Promise<AgentHarness> {
  const row = scenarioExpectations.find((r) => r.scenario === scenario);
  if (!row) throw new Error(`no acceptance row for scenario ${scenario}`);
  const sim = await KubeSim.start({ scenario, clock: "virtual" });
  const cache = new ClusterCache({
    kubeConfig: kubeConfigFromUrl(sim.url),
    kinds: DEFAULT_CACHED_KINDS,
    log: silent,
    reflector: { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 2_000 },
  });
  cache.start();
  const usage = new UsageCache({
    client: cache.client,
    nodes: () => cache.store("Node").list(),
    intervalMs: 60_000,
    volumeIntervalMs: 60_000,
  });
  const telemetry = new NodeTelemetry();
  const stop = async () => {
    await usage.stop();
    await cache.stop();
    await sim.stop();
  };
  const caughtUp = async () => {
    // The cluster clock follows the API server's Date header: one request makes a virtual jump visible.
    await cache.client.request("/version", { verb: "get", resource: "version" });
    await waitFor(() => cache.kinds.every((k) => versions(cache.store(k).list() as Versioned[]) === versions(sim.list(k) as Versioned[])), {
      timeoutMs: 10_000,
      intervalMs: 20,
      message: "cache did not catch up with the simulator",
    });
  };
  try {
    if (!(await cache.waitForSync(15_000))) throw new Error("caches did not sync");
    await caughtUp();
    await usage.start();
  } catch (err) {
    await stop();
    throw err;
  }
  for (const e of row.kernelEvents?.(sim) ?? []) telemetry.addKernelEvent(e);
  const analysis = () => ({ cache, now: cache.clock.now(), telemetry, usage, settings: defaultAnalysisSettings });
  const ctx: ToolContext = {
    cache,
    analysis,
    incidents: { get: () => Promise.resolve(undefined) },
    diagnoses: { latest: () => undefined },
    actions: { forResource: () => [], forAlertname: () => [] },
    effectiveness: { get: () => Promise.resolve(undefined) },
  };
  return {
    sim,
    ctx,
    caughtUp,
    diagnose: async () => {
      const a = analysis();
      const alert = alertMessageFor(row.alert(sim), new Date(a.now - 15 * 60_000), new Date(a.now));
      const resolved = await resolveTarget(alert, cache);
      return diagnose({
        alert,
        incident: { incidentId: `inc-${scenario}`, owner: resolved.owner, alertIds: [alert.id], occurrences: 1 },
        id: `diag-${scenario}`,
        ctx: a,
        resolved,
      });
    },
    stop,
  };
}

/** Settings for a scripted server: generous budgets unless a test narrows one. */
export function scriptedSettings(url: string, overrides: Partial<LlmSettings> = {}): LlmSettings {
  return {
    provider: "openai",
    model: "scripted-model",
    baseUrl: url,
    apiKey: "test-key",
    temperature: 0,
    requestTimeoutMs: 5_000,
    maxToolCalls: 8,
    budget: { maxTokens: 1_000_000, maxWallMs: 60_000, maxCostUsd: 10 },
    prices: { "scripted-model": { inputPerMTokUsd: 1, outputPerMTokUsd: 2 } },
    ...overrides,
  };
}

/** An agent on the scripted server at `url`, with every toolbox tool and the harness' ToolContext. */
export async function scriptedAgent(
  h: AgentHarness,
  url: string,
  opts: { settings?: Partial<LlmSettings> } & Partial<Pick<InvestigationAgentOptions, "masking" | "log" | "onToolCall">> = {},
): Promise<InvestigationAgent> {
  const { settings: overrides, ...rest } = opts;
  const settings = scriptedSettings(url, overrides);
  return new InvestigationAgent({ model: await createChatModel(settings), settings, tools, toolContext: h.ctx, log: silentLog, ...rest });
}

export const silentLog: Logger = pino({ level: process.env.DEBUG_AGENT ? "debug" : "silent" });

/** A logger whose lines (parsed) the test can read. */
export function capturingLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}
