// The investigator: diagnoses → proposals, by a bounded LLM agent with read-only tools or by deterministic rules;
// the calibration report; and the same tools over MCP at /mcp. Port 8082.
//
// Everything the tools read comes from caches kept current in the background (startToolContext: the cluster,
// usage, node telemetry, Vigil's own history). With LLM_PROVIDER=none (the default) no model is ever called and
// Vigil works offline; with a model, any failure of it (budget, timeout, 429/500, invalid output) falls back to
// the rules, so a diagnosis is never left without a proposal.
import { kvBuckets, streams } from "@vigil/contracts";
import {
  calibratedThresholds,
  CalibrationStore,
  createChatModel,
  createInvestigator,
  InvestigationAgent,
  loadRulesEngine,
  readRulesFile,
} from "@vigil/investigation";
import { ConfigError, type ServiceDefinition } from "@vigil/service";
import { tools } from "@vigil/toolbox";
import { investigatorApi } from "./api/router.js";
import { calibrationPolicyFrom, investigatorConfigProblems, investigatorConfigShape, llmSettingsFrom, maskingFrom } from "./config.js";
import { MCP_PATH, mcpRouter } from "./mcp/index.js";
import { InvestigatorMetrics } from "./metrics.js";
import { startCalibrationFeed } from "./pipeline/calibration-feed.js";
import { DiagnosisPipeline } from "./pipeline/diagnosis-pipeline.js";
import { kubeConfigProblems, startToolContext } from "./tool-context.js";

/** How long start-up waits for the caches before consuming diagnoses anyway (tools then answer from what is there). */
const CACHE_SYNC_WAIT_MS = 60_000;

export const investigatorService: ServiceDefinition<typeof investigatorConfigShape> = {
  name: "investigator",
  defaultPort: 8082,
  config: investigatorConfigShape,
  streams: [
    streams.analysis,
    streams.actions,
    streams.effectiveness,
    streams.incidents,
    streams.metrics,
    streams.kernelEvents,
    streams.deadLetters,
  ],
  // Checked with the environment, before NATS: a bad rules file or no cluster access is a misconfiguration, not a wait.
  checkConfig: (config) => [...investigatorConfigProblems(config), ...kubeConfigProblems()],
  async setup({ config, bus, router, registry, readiness, log, onShutdown }) {
    const metrics = new InvestigatorMetrics(registry);
    const tooling = await startToolContext({ bus, log, registry, readiness, onShutdown });
    const rules = loadRulesEngine(config.INVESTIGATOR_RULES_FILE ? { file: config.INVESTIGATOR_RULES_FILE } : {});
    log.info({ rules: rules.rules.length, file: config.INVESTIGATOR_RULES_FILE }, "rules loaded");

    const settings = llmSettingsFrom(config);
    let agent: InvestigationAgent | undefined;
    if (settings) {
      const model = await createChatModel(settings).catch((err: unknown) => {
        throw new ConfigError([`LLM_PROVIDER: ${err instanceof Error ? err.message : String(err)}`]);
      });
      agent = new InvestigationAgent({
        model,
        settings,
        tools,
        toolContext: tooling.context,
        masking: maskingFrom(config),
        log,
        onToolCall: (name, ms, ok) => metrics.toolCalled(name, ms, ok),
      });
      log.info(
        { provider: settings.provider, model: settings.model, baseUrl: settings.baseUrl, budget: settings.budget },
        "LLM investigation on",
      );
    } else {
      log.info("LLM_PROVIDER=none: the rules engine decides every proposal");
    }

    const policy = calibrationPolicyFrom(config);
    const calibration = new CalibrationStore(await bus.kv(kvBuckets.calibration), log);
    await calibration.start();
    onShutdown(() => calibration.stop());
    readiness.add("calibration", () => calibration.loaded || "calibration history not loaded yet");

    const investigator = createInvestigator({
      rules,
      ...(agent ? { agent } : {}),
      history: tooling.context.effectiveness,
      calibration: calibratedThresholds(() => calibration.records(), policy),
      log,
    });

    const file = config.INVESTIGATOR_RULES_FILE;
    const rulesFile = file ? { path: file, ruleIds: new Set(readRulesFile(file).map((r) => r.id)) } : undefined;
    router.use(investigatorApi({ calibration, policy, rules, ...(rulesFile ? { rulesFile } : {}) }));
    router.use(MCP_PATH, mcpRouter(tooling.context, { ...(config.MCP_TOKEN ? { token: config.MCP_TOKEN } : {}), log, registry }));

    if (!(await tooling.waitUntilSynced(CACHE_SYNC_WAIT_MS)))
      log.warn({ waiting: tooling.ready() }, "tool sources not synced yet; investigating anyway");
    await startCalibrationFeed({ bus, store: calibration, metrics });
    const pipeline = new DiagnosisPipeline({
      bus,
      investigator,
      calibration,
      metrics,
      now: () => tooling.cache.clock.now(),
      ...(settings ? { model: settings.model } : {}),
      wallBudgetMs: config.LLM_BUDGET_TIME,
    });
    await pipeline.start(config.INVESTIGATOR_CONCURRENCY);
  },
};
