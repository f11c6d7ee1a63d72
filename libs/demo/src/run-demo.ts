// `npm run demo`: builds quietly, starts Vigil (NATS, an embedded PostgreSQL, the simulator on a virtual clock and the
// five pipeline services, from a temporary data dir), plays each scenario in turn in the one simulator, prints every
// incident's stages as they happen, and ends with the summary table. The services' own logs go to a file in the data
// dir (kept when a scenario misses its end, so they can be read).
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildQuietly, type ServiceName, type Stack, startStack } from "@vigil/stack";
import { switchScenario } from "./cluster-reset.js";
import { demoPolicy } from "./demo-policy.js";
import { demoScenario } from "./demo-scenarios.js";
import { LiveView } from "./live-view.js";
import { type OnCallReceiver, startOnCallReceiver } from "./oncall-receiver.js";
import { PipelineWatch } from "./pipeline-watch.js";
import type { ScenarioRecord } from "./run-record.js";
import { runScenario } from "./scenario-run.js";
import { describeEvent } from "./stage-lines.js";
import { renderSummary, type SummaryRow, summaryRow } from "./summary.js";

/**
 * The services an alert goes through. The collector and ebpf-ingest watch the machine they run on (its /proc, its
 * kernel), not the simulated cluster, so the demo leaves them out.
 */
export const PIPELINE_SERVICES: readonly ServiceName[] = ["webhook", "analyzer", "investigator", "executor", "effectiveness"];

/** Never taken from the user's environment: the demo changes things live, only in its own simulator. */
const ISOLATED_VARIABLES = ["KUBECONFIG", "KUBERNETES_SERVICE_HOST", "NATS_URL", "DATABASE_URL"];

export interface DemoOptions {
  /** The repository root. */
  root: string;
  scenarios: readonly string[];
  /** Catalog actions the executor's policy holds for approval on top of the shipped policy's. */
  requireApproval?: readonly string[];
  /** Print the summary as JSON on `output`, for scripts (the live view goes to `liveOutput`). */
  json?: boolean;
  /** Where the summary goes, and the live view too unless `json` (default process.stdout). */
  output?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Where the live view goes with `json` (default process.stderr: the terminal still shows the incidents). */
  liveOutput?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Run the quiet build first (default true). */
  build?: boolean;
  /** Real time a stage may take before the scenario is given up (default 60 s). */
  stageTimeoutMs?: number;
  /** Ctrl-C: stop the scenario in progress and everything started. */
  signal?: AbortSignal;
}

export interface DemoResult {
  rows: SummaryRow[];
  records: ScenarioRecord[];
  ok: boolean;
  /** The data dir, kept when a scenario missed its end (services.log is there). */
  keptDataDir?: string;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const scenarios = opts.scenarios.map(demoScenario);
  if (scenarios.length === 0) throw new Error("no scenario to play");
  const output = opts.output ?? process.stdout;
  const view = new LiveView(opts.json ? (opts.liveOutput ?? process.stderr) : output);
  const note = (line: string) => view.print(view.style.colour ? `\x1b[2m${line}\x1b[0m` : line);
  if (opts.build !== false) await buildQuietly({ root: opts.root, onProgress: note });

  const dataDir = await mkdtemp(join(tmpdir(), "vigil-demo-"));
  // As root, the embedded PostgreSQL runs as a `postgres` user, which must be able to enter the directory.
  await chmod(dataDir, 0o755);
  const logFile = join(dataDir, "services.log");
  const logs = createWriteStream(logFile);
  const executorToken = randomBytes(24).toString("hex");
  // Ctrl-C, or a service that dies: the scenario in progress stops, then everything does.
  const stop = new AbortController();
  opts.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  const followed = new Map<string, { scenario: string; sentAtMs: number }>();
  const since = (correlationId: string) => {
    const f = followed.get(correlationId);
    return f ? { scenario: f.scenario, ms: Date.now() - f.sentAtMs } : undefined;
  };
  let stack: Stack | undefined;
  let watch: PipelineWatch | undefined;
  let onCall: OnCallReceiver | undefined;
  let died: string | undefined;
  const records: ScenarioRecord[] = [];
  let ok = false;
  try {
    const policy = await demoPolicy(opts.root, opts.requireApproval ?? [], dataDir);
    onCall = await startOnCallReceiver((n) => {
      const f = since(n.correlationId);
      if (f) view.stage(f.scenario, { mark: "warn", who: "on-call", text: `paged (${n.kind.replace(/_/g, " ")}): ${n.title}` }, f.ms);
    });
    const ignored = ISOLATED_VARIABLES.filter((v) => process.env[v]);
    if (ignored.length > 0) note(`ignoring ${ignored.join(", ")}: the demo runs its own simulator, NATS and PostgreSQL`);
    note(`starting Vigil for the demo (data dir ${dataDir}; the services' logs go to ${logFile})`);
    const started = await startStack({
      root: opts.root,
      dataDir,
      scenario: scenarios[0]!.name,
      clock: "virtual",
      services: PIPELINE_SERVICES,
      ports: Object.fromEntries(PIPELINE_SERVICES.map((s) => [s, 0])),
      env: {
        // Live: the demo shows real changes in the simulator. The on-call pager is the demo's receiver.
        executor: {
          EXECUTOR_MODE: "live",
          EXECUTOR_API_TOKEN: executorToken,
          EXECUTOR_POLICY_FILE: policy.path,
          EXECUTOR_NOTIFY_SINKS: onCall.sinks,
        },
        // The cluster clock jumps minutes at a time: look at it often, not once a minute.
        effectiveness: { EFFECTIVENESS_DUE_RECHECK: "200ms", EXECUTOR_POLICY_FILE: policy.path },
      },
      logFormat: "json",
      output: logs,
      onProgress: note,
      environment: { ...process.env, ...Object.fromEntries(ISOLATED_VARIABLES.map((v) => [v, undefined])) },
      signal: stop.signal,
    });
    stack = started;
    void started.exited.then(({ name, code, signal, lastLines }) => {
      died = `${name} exited (${signal ?? `code ${code}`}) during the demo; its last lines:\n${lastLines.join("\n")}`;
      stop.abort();
    });
    const sim = started.sim;
    if (!sim) throw new Error("the demo runs only against its own simulator, and the stack started none");
    await started.ready({ timeoutMs: 180_000, signal: stop.signal });
    watch = await PipelineWatch.connect(started.natsUrl, (subject, problem) =>
      note(`a message on ${subject} fails its schema: ${problem}`),
    );
    watch.onEvent((e) => {
      const f = since(e.message.correlationId);
      if (f) view.stage(f.scenario, describeEvent(e), f.ms);
    });
    note(
      `ready: ${scenarios.length} scenario(s) on the cluster's virtual clock; executor live under deploy/executor/policy.yaml` +
        (policy.difference ? ` with ${policy.difference}` : ""),
    );

    let previous: string | undefined;
    for (const scenario of scenarios) {
      if (stop.signal.aborted) break;
      if (previous) await switchScenario(sim, previous, scenario.name);
      previous = scenario.name;
      view.print("");
      note(`── ${scenario.name}: ${sim.scenario?.description ?? ""}`);
      const context = {
        sim,
        watch,
        view,
        webhookUrl: started.services.webhook.url,
        executorUrl: started.services.executor.url,
        executorToken,
        effectivenessUrl: started.services.effectiveness.url,
        follow: (correlationId: string, name: string, sentAtMs: number) => followed.set(correlationId, { scenario: name, sentAtMs }),
        stageTimeoutMs: opts.stageTimeoutMs ?? 60_000,
        signal: stop.signal,
      };
      records.push(await runScenario(context, scenario));
    }
    if (died) throw new Error(died);
    if (stop.signal.aborted) throw new Error("stopped (Ctrl-C)");
    const rows = records.map((r, i) => summaryRow(scenarios[i]!, r));
    ok = rows.every((r) => r.ok);
    if (opts.json) output.write(`${JSON.stringify({ ok, rows }, null, 2)}\n`);
    else view.print(`\n${renderSummary(rows, view.style.width)}`);
    return { rows, records, ok, ...(ok ? {} : { keptDataDir: dataDir }) };
  } finally {
    view.clearProgress();
    await watch?.close().catch(() => undefined);
    await stack?.stop();
    await onCall?.close();
    await new Promise<void>((resolve) => logs.end(resolve));
    // Kept for its logs when something went wrong; an interrupted demo leaves nothing behind.
    if (ok || (opts.signal?.aborted && !died)) await rm(dataDir, { recursive: true, force: true });
    else note(`kept ${dataDir} (services.log has the services' logs)`);
  }
}
