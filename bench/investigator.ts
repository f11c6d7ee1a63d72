// `npm run bench:investigator`: the investigator's two decision paths.
// 1. The rules engine: every simulator scenario's real diagnosis (the acceptance table's alert, diagnosed the way
//    libs/analysis/test/diagnosis-scenarios.test.ts does), decided BENCH_ROUNDS times each. Goal (issue #15):
//    p99 < 20 ms per diagnosis.
// 2. The LLM agent loop against the scripted OpenAI-compatible server: the wall time of an investigation with
//    BENCH_TOOL_CALLS tool calls minus one with none, per tool call. The tool is action_catalog, which reads no
//    cluster state, so the figure is the loop's own cost: an HTTP round trip to the model server, LangChain's
//    request/response handling, masking, screening, the budget and the loop guard.
// Prints the machine calibration before and after (this class of VM swings), and the figures.
//
// Env: BENCH_ROUNDS (200), BENCH_INVESTIGATIONS (20 per variant, after 3 warm-up), BENCH_TOOL_CALLS (8).
import { cpus } from "node:os";
import { defaultAnalysisSettings, diagnose, NodeTelemetry, resolveTarget } from "@vigil/analysis";
import { alertMessageFor, scenarioExpectations, type ScenarioExpectation } from "@vigil/acceptance";
import { actionNames, type DiagnosisMessage } from "@vigil/contracts";
import { createChatModel, InvestigationAgent, loadRulesEngine, type LlmSettings } from "@vigil/investigation";
import { ClusterCache, DEFAULT_CACHED_KINDS, kubeConfigFromUrl, UsageCache } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { startNats, startScriptedLlm, waitFor, type ChatRequest } from "@vigil/testing";
import { toolNamed, type EffectivenessHistory, type ToolContext } from "@vigil/toolbox";
import { envNum } from "./lib/bench-cluster.js";
import { calibrationLine, stockPublishRate } from "./lib/calibration.js";

const ROUNDS = envNum("BENCH_ROUNDS", 200);
const INVESTIGATIONS = envNum("BENCH_INVESTIGATIONS", 20);
const TOOL_CALLS = envNum("BENCH_TOOL_CALLS", 8);

const pct = (xs: readonly number[], p: number): number =>
  xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (n: number) => `${n.toFixed(3)} ms`;
const silent = { debug: () => {}, info: () => {}, warn: () => {} };
type Versioned = { metadata?: { uid?: string; resourceVersion?: string } };
const versions = (xs: readonly Versioned[]) =>
  xs
    .map((o) => `${o.metadata?.uid}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(",");

/** One scenario's diagnosis: its alert after the warm-up, on a synced cache (as the analyzer's tests do). */
async function diagnoseScenario(row: ScenarioExpectation): Promise<DiagnosisMessage> {
  const sim = await KubeSim.start({ scenario: row.scenario, clock: "virtual" });
  const cache = new ClusterCache({ kubeConfig: kubeConfigFromUrl(sim.url), kinds: DEFAULT_CACHED_KINDS, log: silent });
  const usage = new UsageCache({
    client: cache.client,
    nodes: () => cache.store("Node").list(),
    intervalMs: 60_000,
    volumeIntervalMs: 60_000,
  });
  try {
    cache.start();
    if (!(await cache.waitForSync(15_000))) throw new Error(`${row.scenario}: caches did not sync`);
    await cache.client.request("/version", { verb: "get", resource: "version" });
    await waitFor(
      () =>
        cache.kinds.every((k) => versions(cache.store(k).list() as Versioned[]) === versions(sim.list(k) as Versioned[])) &&
        sim.clock.now() - cache.clock.now() <= 1_000,
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    await usage.start();
    const telemetry = new NodeTelemetry();
    for (const e of row.kernelEvents?.(sim) ?? []) telemetry.addKernelEvent(e);
    const now = cache.clock.now();
    const alert = alertMessageFor(row.alert(sim), new Date(now - 15 * 60_000), new Date(now));
    const resolved = await resolveTarget(alert, cache);
    return await diagnose({
      alert,
      incident: { incidentId: `inc-${row.scenario}`, owner: resolved.owner, alertIds: [alert.id], occurrences: 1 },
      id: `diag-${row.scenario}`,
      ctx: { cache, now, telemetry, usage, settings: defaultAnalysisSettings },
      resolved,
    });
  } finally {
    await usage.stop();
    await cache.stop();
    await sim.stop();
  }
}

console.log(`# investigator bench: node ${process.version}, ${cpus().length} CPUs`);
const nats = await startNats();
console.log(calibrationLine(await stockPublishRate(nats.url)));

// --- 1. rules engine ---
const diagnoses: DiagnosisMessage[] = [];
for (const row of scenarioExpectations) diagnoses.push(await diagnoseScenario(row));
const engine = loadRulesEngine();
// An in-memory history answering "nothing recorded": the KV read is the lookups' cost, measured with the bus.
const history: EffectivenessHistory = { get: async () => undefined };
for (const d of diagnoses) await engine.decide(d, history); // warm-up
const latencies: number[] = [];
// CPU time as well as wall time: on a shared 2-core VM the wall-clock tail is mostly time spent descheduled.
const cpu0 = process.cpuUsage();
for (let r = 0; r < ROUNDS; r++) {
  for (const d of diagnoses) {
    const t0 = performance.now();
    await engine.decide(d, history);
    latencies.push(performance.now() - t0);
  }
}
const cpu = process.cpuUsage(cpu0);
const p99 = pct(latencies, 99);
console.log(
  `rules: ${diagnoses.length} scenario diagnoses x ${ROUNDS} rounds = ${latencies.length} decisions; ` +
    `p50 ${ms(pct(latencies, 50))}, p90 ${ms(pct(latencies, 90))}, p99 ${ms(p99)}, max ${ms(Math.max(...latencies))}, ` +
    `mean ${ms(latencies.reduce((a, b) => a + b, 0) / latencies.length)}, CPU ${ms((cpu.user + cpu.system) / 1000 / latencies.length)} per decision ` +
    `(goal p99 < 20 ms: ${p99 < 20 ? "PASS" : "FAIL"})`,
);

// --- 2. agent loop overhead per tool call ---
const toolResults = (req: ChatRequest) => req.messages.filter((m) => m.role === "tool").length;
const script = (calls: number) => (req: ChatRequest) =>
  toolResults(req) < calls
    ? { toolCalls: [{ name: "action_catalog", args: { action: actionNames[toolResults(req) % actionNames.length] } }] }
    : { toolCalls: [{ name: "submit_decision", args: { kind: "escalate", confidence: 0.5, reasoning: "bench", reasons: ["bench"] } }] };
const oom = diagnoses.find((d) => d.id === "diag-oom-crashloop") ?? diagnoses[0]!;

async function timeInvestigations(calls: number): Promise<number[]> {
  const llm = await startScriptedLlm({ script: script(calls) });
  try {
    const settings: LlmSettings = {
      provider: "openai",
      model: "scripted",
      baseUrl: llm.url,
      apiKey: "bench",
      temperature: 0,
      requestTimeoutMs: 10_000,
      maxToolCalls: calls + 5,
      budget: { maxTokens: 10_000_000, maxWallMs: 60_000, maxCostUsd: 100 },
      prices: { scripted: { inputPerMTokUsd: 0, outputPerMTokUsd: 0 } },
    };
    // action_catalog reads nothing from the context: the loop's cost is measured, not a cluster lookup's.
    const agent = new InvestigationAgent({
      model: await createChatModel(settings),
      settings,
      tools: [toolNamed("action_catalog")!],
      toolContext: {} as ToolContext,
    });
    const times: number[] = [];
    for (let i = 0; i < INVESTIGATIONS + 3; i++) {
      const t0 = performance.now();
      const outcome = await agent.investigate(oom);
      if (!outcome.ok || outcome.toolCalls !== calls) throw new Error(`investigation failed: ${JSON.stringify(outcome)}`);
      if (i >= 3) times.push(performance.now() - t0);
    }
    return times;
  } finally {
    await llm.close();
  }
}

const none = await timeInvestigations(0);
const some = await timeInvestigations(TOOL_CALLS);
const perCall = (pct(some, 50) - pct(none, 50)) / TOOL_CALLS;
console.log(
  `agent: investigation with no tool call p50 ${ms(pct(none, 50))}, with ${TOOL_CALLS} p50 ${ms(pct(some, 50))} (${INVESTIGATIONS} each); ` +
    `overhead per tool call ${ms(perCall)} (model round trip included)`,
);

console.log(calibrationLine(await stockPublishRate(nats.url)));
await nats.stop();
process.exit(0);
