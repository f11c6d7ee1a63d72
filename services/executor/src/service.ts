// The executor: proposals → real Kubernetes changes behind the safety policy, with the action history in
// PostgreSQL. Port 8083. Thin wiring: what an action does lives in @vigil/remediation (actions, policy, sinks), the
// history in @vigil/action-history; here are the consumers, the approval desk and the REST API.
import { ACTION_HISTORY_MIGRATIONS, ACTION_HISTORY_MIGRATIONS_TABLE, ActionHistory } from "@vigil/action-history";
import type { HandlerContext } from "@vigil/bus";
import { streams, topics } from "@vigil/contracts";
import { RetryableError } from "@vigil/errors";
import { findKubeConfig, KubeClient } from "@vigil/kube";
import { approvalExpiryFor, createNotifier, loadPolicy, loadRepairJobTemplates } from "@vigil/remediation";
import type { ServiceDefinition } from "@vigil/service";
import { executorApi } from "./api/router.js";
import { ApprovalDesk } from "./approvals/approval-desk.js";
import { executorConfigProblems, executorConfigShape, notificationSinksFrom } from "./config.js";
import { ContextMemory } from "./context-memory.js";
import { ExecutorMetrics } from "./metrics.js";
import { startConsumers } from "./pipeline/consumers.js";
import { Conclusion } from "./pipeline/conclusion.js";
import { ProposalHandler } from "./pipeline/proposal-handler.js";
import { Recorder } from "./pipeline/recorder.js";
import { approvalExpiryTask, revertTask } from "./pipeline/revert-task.js";
import { ScheduledReverts } from "./pipeline/scheduled-revert.js";
import { PreflightCache } from "./state/preflight-cache.js";
import { SharedState } from "./state/shared-state.js";

/** Alerts and diagnoses read back for the history's context (labels, summary). */
const CONTEXT_WINDOW_MS = 6 * 60 * 60_000;

const kubeConfigProblems = (): string[] => {
  const found = findKubeConfig();
  return found.kubeConfig
    ? []
    : [
        `KUBECONFIG: the executor changes the cluster and found no access (${found.reason}); set KUBECONFIG, or run it in a pod with its service account`,
      ];
};

export const executorService: ServiceDefinition<typeof executorConfigShape> = {
  name: "executor",
  defaultPort: 8083,
  config: executorConfigShape,
  database: { migrations: ACTION_HISTORY_MIGRATIONS, table: ACTION_HISTORY_MIGRATIONS_TABLE },
  streams: [streams.actions, streams.alerts, streams.analysis, streams.delayed, streams.deadLetters],
  checkConfig: (config) => [...executorConfigProblems(config), ...kubeConfigProblems()],
  async setup({ config, bus, db, router, registry, readiness, log, onShutdown }) {
    const metrics = new ExecutorMetrics(registry);
    const kubeConfig = findKubeConfig().kubeConfig!;
    const client = new KubeClient(kubeConfig, { fieldManager: "vigil-executor", registry });
    const policy = loadPolicy(config.EXECUTOR_POLICY_FILE ? { file: config.EXECUTOR_POLICY_FILE } : {});
    const notifier = createNotifier(notificationSinksFrom(config), { log, registry });
    const repairJobs = config.EXECUTOR_REPAIR_JOBS_FILE
      ? loadRepairJobTemplates(config.EXECUTOR_REPAIR_JOBS_FILE)
      : new Map<never, never>();
    const history = new ActionHistory(db, { now: () => client.clock.now(), log });
    const state = await SharedState.open(bus);
    const leases = await bus.leases();
    const context = new ContextMemory();
    context.follow(bus, log, CONTEXT_WINDOW_MS);
    onShutdown(() => context.stop());
    const paused = await state.pause();
    metrics.paused.set(paused?.paused ? 1 : 0);
    log.info(
      {
        mode: config.EXECUTOR_MODE,
        policy: config.EXECUTOR_POLICY_FILE ?? "built-in default",
        sinks: notifier.sinks,
        repairJobs: [...repairJobs.keys()],
        paused: paused?.paused ?? false,
      },
      "executor configured",
    );

    const env = { notifier, repairJobs, vigilNamespace: config.VIGIL_NAMESPACE, pollIntervalMs: 2_000 };
    const now = () => client.clock.now();
    const recorder = new Recorder({ bus, history, metrics, now });
    const preflight = new PreflightCache({ client, log, registry });
    preflight.start();
    onShutdown(() => preflight.stop());
    readiness.add("preflight-cache", () => preflight.cache.cachesSynced());
    const deliberation = { client, policy, history, state, env, mode: config.EXECUTOR_MODE, listCache: preflight };
    const requests = {
      bus,
      recorder,
      notifier,
      expiries: bus.delayed(approvalExpiryTask),
      expiryMs: approvalExpiryFor(policy),
      ...(config.EXECUTOR_PUBLIC_URL ? { publicUrl: config.EXECUTOR_PUBLIC_URL } : {}),
    };
    const conclusion = new Conclusion({
      recorder,
      env,
      approvals: requests,
      live: { client, recorder, state, policy, reverts: bus.delayed(revertTask) },
    });
    const desk = new ApprovalDesk({
      bus,
      history,
      recorder,
      leases,
      leaseTtlMs: config.EXECUTOR_LEASE_TTL,
      deliberation,
      conclusion,
      requests,
    });

    const waitForDatabase = async (hctx: HandlerContext): Promise<void> => {
      const deadline = Date.now() + config.EXECUTOR_DB_WAIT;
      let waited = false;
      for (;;) {
        const ready = await db.ready();
        if (ready === true) {
          if (waited) metrics.databaseWaits.inc({ outcome: "recovered" });
          return;
        }
        waited = true;
        if (Date.now() >= deadline || hctx.signal.aborted) {
          metrics.databaseWaits.inc({ outcome: "handed_back" });
          throw new RetryableError(`${ready}; the proposal waits in the stream`, { retryAfterMs: 5_000 });
        }
        hctx.working();
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const proposals = new ProposalHandler({
      history,
      recorder,
      leases,
      deliberation,
      conclusion,
      context,
      metrics,
      leaseTtlMs: config.EXECUTOR_LEASE_TTL,
      waitForDatabase,
      now,
    });

    router.use(
      executorApi({
        history,
        db,
        desk,
        state,
        policy,
        mode: config.EXECUTOR_MODE,
        metrics,
        log,
        ...(config.EXECUTOR_API_TOKEN ? { token: config.EXECUTOR_API_TOKEN } : {}),
      }),
    );
    readiness.add("context", () => context.loaded || "alerts and diagnoses not read back yet");
    const reverts = new ScheduledReverts({ history, client, env });
    await startConsumers({
      bus,
      log,
      metrics,
      proposals,
      desk,
      reverts,
      concurrency: config.EXECUTOR_CONCURRENCY,
      dbWaitMs: config.EXECUTOR_DB_WAIT,
      ackWaitMs: config.EXECUTOR_ACK_WAIT,
    });
    log.info({ topic: topics.actionsProposed.filter }, "executor consuming proposals");
  },
};
