// Shared by the MCP tests: real NATS with Vigil's streams, the oom-crashloop scenario in the simulator, what the
// pipeline would have published about it (the ebpf-ingest OOM kill, the incident in KV, the analyzer's diagnosis
// computed from the simulator) and a tool context reading all of it. Plus, per registry tool, valid arguments for
// this scenario and the strings its answer must hold to prove it read the cluster or the bus.
import { diagnose, resolveTarget } from "@vigil/analysis";
import { alertMessageFor, scenarioExpectations, podWith, lastTerminated } from "@vigil/acceptance";
import { Bus } from "@vigil/bus";
import { type DiagnosisMessage, type IncidentState, kvBuckets, topics } from "@vigil/contracts";
import { kubeConfigFromUrl } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { startNats, waitFor, type NatsServerHandle } from "@vigil/testing";
import { pino, type Logger } from "pino";
import { startToolContext, type StartedToolContext } from "../src/tool-context.js";

export const INCIDENT_ID = "inc_mcp_payments_api";

export interface McpHarness {
  nats: NatsServerHandle;
  sim: KubeSim;
  bus: Bus;
  log: Logger;
  tooling: StartedToolContext;
  /** The crash-looping payments-api pod (scenario pods have generated names). */
  pod: string;
  node: string;
  diagnosis: DiagnosisMessage;
  stop(): Promise<void>;
}

export async function startMcpHarness(): Promise<McpHarness> {
  const log = pino({ level: "silent" });
  const row = scenarioExpectations.find((r) => r.scenario === "oom-crashloop");
  if (!row) throw new Error("no oom-crashloop expectation");
  const nats = await startNats();
  const sim = await KubeSim.start({ scenario: "oom-crashloop", clock: "virtual" });
  const stops: Array<() => Promise<unknown>> = [() => sim.stop(), () => nats.stop()];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    const bus = await Bus.connect({ servers: nats.url, name: "mcp-test", log });
    stops.push(() => bus.drain());
    await bus.provision();
    const pod = podWith(sim, "shop", "payments-api", lastTerminated("OOMKilled"));
    const node = pod.spec.nodeName ?? "";
    // What the collector and ebpf-ingest on that node publish: five minutes of samples, MemAvailable falling, and the OOM kill.
    const at = sim.clock.now();
    for (let i = 0; i <= 5; i++) {
      const ts = new Date(at - (5 - i) * 60_000).toISOString();
      const memory = { MemTotal: 16 * 2 ** 30, MemAvailable: 3 * 2 ** 30 - i * 64 * 2 ** 20, SwapTotal: 0, SwapFree: 0 };
      await bus.publish(topics.nodeMetrics, { id: `sample_${i}`, correlationId: `sample_${i}`, node, ts, memory });
    }
    for (const event of row.kernelEvents?.(sim) ?? []) await bus.publish(topics.kernelEvents, event);

    const tooling = await startToolContext({ bus, log, kubeConfig: kubeConfigFromUrl(sim.url) });
    stops.push(() => tooling.stop());
    if (!(await tooling.waitUntilSynced(30_000))) throw new Error(`tool sources not synced: ${String(tooling.ready())}`);

    // What the analyzer publishes for this scenario: its diagnosis, made by the library it runs.
    const ctx = tooling.context.analysis();
    const alert = alertMessageFor(row.alert(sim), new Date(ctx.now - 15 * 60_000), new Date(ctx.now));
    const resolved = await resolveTarget(alert, tooling.cache);
    const diagnosis = await diagnose({
      alert,
      incident: { incidentId: INCIDENT_ID, owner: resolved.owner, alertIds: [alert.id], occurrences: 1 },
      id: "diag_mcp_payments_api",
      ctx,
      resolved,
    });
    const incident: IncidentState = {
      incidentId: INCIDENT_ID,
      owner: resolved.owner,
      alerts: [
        {
          alertname: alert.alertname,
          fingerprint: alert.fingerprint,
          status: "firing",
          firstSeenAt: alert.startsAt,
          lastSeenAt: alert.startsAt,
        },
      ],
      occurrences: 1,
      severity: diagnosis.severity,
      status: "open",
      summary: diagnosis.summary,
      openedAt: alert.startsAt,
      updatedAt: alert.startsAt,
      latestDiagnosisId: diagnosis.id,
    };
    const kv = await bus.kv(kvBuckets.incidents);
    await kv.put(kv.key("id", INCIDENT_ID), incident);
    await bus.publish(topics.diagnoses, diagnosis);

    await waitFor(() => tooling.ready() === true && tooling.context.diagnoses.latest(INCIDENT_ID) !== undefined, {
      timeoutMs: 15_000,
      message: "the diagnosis did not reach the lookups",
    });
    const telemetry = () => tooling.context.analysis().telemetry;
    await waitFor(() => telemetry().kernelEvents(node).length > 0 && telemetry().nodeSamples(node).length === 6, {
      timeoutMs: 15_000,
      message: "the samples and the OOM kill did not reach the telemetry windows",
    });
    return { nats, sim, bus, log, tooling, pod: pod.metadata.name ?? "", node, diagnosis, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A valid call of one tool on this scenario, and what its text must contain. */
export interface ToolCallCase {
  args: Record<string, unknown>;
  expect: string[];
}

/**
 * Every registry tool needs a row: a tool added without one fails the "calls each one" tests, which is the
 * point (the MCP server serves whatever the registry holds, and each must be shown to work end to end).
 */
export function toolCallCases(h: McpHarness): Record<string, ToolCallCase> {
  const pod = { namespace: "shop", name: h.pod };
  return {
    describe_pod: { args: pod, expect: [h.pod, "OOMKilled", "256Mi"] },
    failure_events: { args: pod, expect: ["OOMKilled", "256Mi"] },
    scheduling_analysis: { args: pod, expect: [h.pod, h.node] },
    namespace_errors: { args: { namespace: "shop" }, expect: [h.pod] },
    node_utilization: { args: { node: h.node }, expect: [h.node] },
    rollout_history: { args: { kind: "Deployment", namespace: "shop", name: "payments-api" }, expect: ["payments-api"] },
    container_logs: { args: { namespace: "shop", pod: h.pod, previous: true, tailLines: 20 }, expect: [h.pod] },
    incident_context: { args: { incidentId: INCIDENT_ID }, expect: [INCIDENT_ID, h.diagnosis.id, "POD_OOM_KILLED", "payments-api"] },
    node_memory_trend: { args: { node: h.node }, expect: [h.node] },
    kernel_events: { args: { namespace: "shop" }, expect: ["oom_kill", h.pod, "memcg limit 256Mi"] },
    action_history: {
      args: { kind: "Deployment", namespace: "shop", name: "payments-api", alertname: "KubePodCrashLooping" },
      expect: ["payments-api"],
    },
    action_catalog: { args: { action: "increase_resources" }, expect: ["increase_resources", "parameters"] },
  };
}
