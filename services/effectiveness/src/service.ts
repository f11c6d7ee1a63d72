// Effectiveness: did the action work? Port 8084. Thin wiring: the components, the score, the aggregates and
// the ledger live in @vigil/assessment; here are the caches it reads (cluster, usage, telemetry, alerts), the
// consumers, the action-history writes and the REST API.
import { ACTION_HISTORY_MIGRATIONS, ACTION_HISTORY_MIGRATIONS_TABLE, ActionHistory, AutonomyChanges } from "@vigil/action-history";
import { NodeTelemetry, startTelemetryFeeds } from "@vigil/analysis";
import { AlertHistory, alertmanagerV2, assessmentComponents } from "@vigil/assessment";
import { kvBuckets, streams } from "@vigil/contracts";
import { ClusterCache, findKubeConfig, UsageCache } from "@vigil/kube";
import { loadPolicy } from "@vigil/remediation";
import { ConfigError, type ServiceDefinition } from "@vigil/service";
import { effectivenessApi } from "./api/router.js";
import { effectivenessConfigProblems, effectivenessConfigShape, timingOf } from "./config.js";
import { EffectivenessMetrics } from "./metrics.js";
import { startConsumers } from "./pipeline/consumers.js";
import { Outcomes } from "./pipeline/outcomes.js";
import { followAlerts } from "./state/alert-feed.js";
import { Feedback } from "./state/feedback.js";
import { ledgerReader } from "./state/ledger-reader.js";

const kubeConfigProblems = (): string[] => {
  const found = findKubeConfig();
  return found.kubeConfig
    ? []
    : [
        `KUBECONFIG: effectiveness reads the cluster and found no access (${found.reason}); set KUBECONFIG, or run it in a pod with its service account`,
      ];
};

export const effectivenessService: ServiceDefinition<typeof effectivenessConfigShape> = {
  name: "effectiveness",
  defaultPort: 8084,
  config: effectivenessConfigShape,
  // The executor's schema: whichever of the two starts first applies it.
  database: { migrations: ACTION_HISTORY_MIGRATIONS, table: ACTION_HISTORY_MIGRATIONS_TABLE },
  streams: [
    streams.actions,
    streams.alerts,
    streams.effectiveness,
    streams.metrics,
    streams.kernelEvents,
    streams.delayed,
    streams.deadLetters,
  ],
  checkConfig: (config) => [...effectivenessConfigProblems(config), ...kubeConfigProblems()],
  async setup({ config, bus, db, router, registry, readiness, log, onShutdown }) {
    const found = findKubeConfig();
    if (!found.kubeConfig) throw new ConfigError(kubeConfigProblems());
    const metrics = new EffectivenessMetrics(registry);
    const cache = new ClusterCache({ kubeConfig: found.kubeConfig, log, registry });
    cache.start();
    readiness.add("kube-caches", () => cache.cachesSynced());
    onShutdown(() => cache.stop());
    const usage = new UsageCache({ client: cache.client, nodes: () => cache.store("Node").list(), registry, log });
    void usage.start();
    onShutdown(() => usage.stop());
    const telemetry = new NodeTelemetry();
    const feeds = startTelemetryFeeds(bus, telemetry, { log });
    readiness.add("telemetry", () => feeds.caughtUp() || "telemetry windows still loading from JetStream");
    onShutdown(() => feeds.stop());

    const timing = timingOf(config);
    const alertHistory = new AlertHistory();
    // A day and more: the alerts stream keeps one message per firing episode for a day (Alertmanager's re-sends are
    // deduplicated), so an alert firing since yesterday is known only from its first message.
    const alerts = followAlerts(bus, alertHistory, { log, metrics, windowMs: 25 * 60 * 60_000 });
    readiness.add("alerts", () => alerts.caughtUp() || "alert history still loading from JetStream");
    onShutdown(() => alerts.stop());
    const pruning = setInterval(() => alertHistory.prune(cache.clock.now()), 60_000);
    pruning.unref();
    onShutdown(() => clearInterval(pruning));

    const now = () => cache.clock.now();
    const policy = loadPolicy(config.EXECUTOR_POLICY_FILE ? { file: config.EXECUTOR_POLICY_FILE } : {});
    const history = new ActionHistory(db, { now, log });
    const changes = new AutonomyChanges(db);
    const thresholds = { successes: config.EFFECTIVENESS_AUTONOMY_SUCCESSES, minScore: config.EFFECTIVENESS_AUTONOMY_MIN_SCORE };
    const feedback = await Feedback.open({ bus, changes, policy, thresholds, metrics });
    const outcomes = new Outcomes({ bus, history, feedback, metrics, now });
    const sources = {
      cluster: cache,
      usage,
      telemetry,
      alerts: { history: alertHistory, ...(config.ALERTMANAGER_URL ? { alertmanager: alertmanagerV2(config.ALERTMANAGER_URL) } : {}) },
    };
    log.info(
      {
        alertmanager: config.ALERTMANAGER_URL ?? "none (alerts from NATS only)",
        autonomy: thresholds,
        policy: config.EXECUTOR_POLICY_FILE ?? "built-in default",
      },
      "effectiveness configured",
    );

    router.use(
      effectivenessApi({
        db,
        history,
        changes,
        ledger: ledgerReader(feedback.ledger),
        aggregates: {
          get: async (scope, subject, action) =>
            (await feedback.aggregates.get(kvBuckets.effectiveness.key(scope, subject, action)))?.value,
        },
        components: assessmentComponents.map(({ name, weight, description }) => ({ name, weight, description })),
        timing,
        log,
      }),
    );
    await startConsumers({
      bus,
      sources,
      outcomes,
      timing,
      metrics,
      now,
      concurrency: config.EFFECTIVENESS_CONCURRENCY,
      recheckMs: config.EFFECTIVENESS_DUE_RECHECK,
      log,
    });
    log.info("effectiveness consuming executions");
  },
};
