// Result types, goal evaluation and the stdout table of the webhook benchmark.
import type { LoadResult } from "./load.js";
import type { MachineInfo } from "./procstat.js";

export type Target = "baseline" | "webhook";

export interface RunRecord {
  scenario: "a" | "b" | "c";
  title: string;
  target: Target;
  alertsPerRequest: number;
  meanBodyBytes: number;
  load: LoadResult;
  /** CPU seconds per process (server, nats, generator) during the measured window (warm-up excluded), plus machineIdlePct. */
  cpuSeconds: Record<string, number>;
  /** Messages added to the target's stream during the window (after a short settle). */
  stored: number;
}

export interface Goal {
  id: string;
  text: string;
  measured: string;
  pass: boolean | null; // null: not evaluated (scenario skipped or failed)
  /** Informational rows (cross-checks) are printed but do not count as goals. */
  info?: boolean;
}

const fmt = (n: number, d = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }) : "n/a";

export function findRun(
  runs: RunRecord[],
  scenario: RunRecord["scenario"],
  target: Target,
  tool?: LoadResult["tool"],
): RunRecord | undefined {
  return runs.find((r) => r.scenario === scenario && r.target === target && (!tool || r.load.tool === tool));
}

export function evaluateGoals(runs: RunRecord[]): Goal[] {
  const goals: Goal[] = [];
  const aBase = findRun(runs, "a", "baseline");
  const aHook = findRun(runs, "a", "webhook");
  if (aBase && aHook) {
    const ratio = aHook.load.reqPerSec / aBase.load.reqPerSec;
    goals.push({
      id: "a",
      text: "a) 1 alert/POST: webhook req/s >= 70% of baseline",
      measured: `${fmt(ratio * 100, 1)}% (${fmt(aHook.load.reqPerSec)} vs ${fmt(aBase.load.reqPerSec)} req/s)`,
      pass: ratio >= 0.7,
    });
  } else goals.push({ id: "a", text: "a) 1 alert/POST: webhook req/s >= 70% of baseline", measured: "not run", pass: null });

  const bHook = findRun(runs, "b", "webhook");
  goals.push({
    id: "b",
    text: "b) 50 alerts/POST: webhook >= 10,000 alerts/s",
    measured: bHook ? `${fmt(bHook.load.alertsPerSec)} alerts/s (${fmt(bHook.load.reqPerSec)} req/s)` : "not run",
    pass: bHook ? bHook.load.alertsPerSec >= 10_000 : null,
  });

  const cPaced = findRun(runs, "c", "webhook", "autocannon");
  goals.push({
    id: "c",
    text: "c) 50 alerts/POST at half of b's max: webhook p99 < 50 ms",
    measured: cPaced
      ? `p99 ${fmt(cPaced.load.latencyMs.p99, 1)} ms, p50 ${fmt(cPaced.load.latencyMs.p50, 1)} ms at ${fmt(cPaced.load.rate ?? 0)} req/s (autocannon overallRate)`
      : "not run",
    pass: cPaced ? cPaced.load.latencyMs.p99 < 50 && cPaced.load.non2xx + cPaced.load.errors === 0 : null,
  });
  const cSmooth = findRun(runs, "c", "webhook", "open-loop");
  if (cSmooth) {
    goals.push({
      id: "c-smooth",
      text: "c') same rate, evenly spaced open loop: p99 < 50 ms",
      measured: `p99 ${fmt(cSmooth.load.latencyMs.p99, 1)} ms, p50 ${fmt(cSmooth.load.latencyMs.p50, 1)} ms at ${fmt(cSmooth.load.rate ?? 0)} req/s`,
      pass: cSmooth.load.latencyMs.p99 < 50 && cSmooth.load.non2xx + cSmooth.load.errors === 0,
      info: true,
    });
  }
  // Correctness of the measurement itself: every acknowledged webhook alert must be a new stream message.
  for (const r of runs.filter((x) => x.target === "webhook")) {
    const expected = r.load.ok * r.alertsPerRequest;
    if (r.stored < expected) {
      goals.push({
        id: `stored-${r.scenario}`,
        text: `${r.scenario}) every acked alert stored as a new message`,
        measured: `${fmt(r.stored)} stored < ${fmt(expected)} acked (dedupe?)`,
        pass: false,
        info: true,
      });
    }
  }
  return goals;
}

/** Server CPU per completed request: much steadier run to run than req/s on a shared 2-vCPU box. */
export function serverMicrosPerRequest(r: RunRecord): number {
  return ((r.cpuSeconds["server"] ?? Number.NaN) * 1e6) / (r.load.reqPerSec * r.load.seconds);
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function renderReport(
  machine: MachineInfo,
  config: Record<string, unknown>,
  runs: RunRecord[],
  goals: Goal[],
  notes: string[],
): string {
  const out: string[] = [];
  out.push("", "=== Vigil webhook benchmark ===");
  out.push(
    `machine: ${machine.nproc} CPU (${machine.cpuModel}), ${machine.memGiB} GiB, Linux ${machine.kernel}, node ${machine.node}, nats-server ${machine.natsServer}, load avg at start ${machine.loadAvgAtStart.join(" ")}`,
  );
  out.push(
    `config:  ${Object.entries(config)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ")}`,
  );
  out.push("");
  const head = [
    "scn",
    "target",
    "load",
    "req/s",
    "alerts/s",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "non2xx",
    "err",
    "CPU s srv/nats/gen/oth",
    "srv µs/req",
    "idle%",
    "stored",
  ];
  const widths = [3, 8, 22, 8, 9, 7, 7, 7, 8, 6, 4, 23, 10, 5, 8];
  out.push(head.map((h, i) => pad(h, widths[i]!, i > 2 && i !== 11)).join(" "));
  out.push(widths.map((w) => "-".repeat(w)).join(" "));
  for (const r of runs) {
    const l = r.load;
    const load = `${r.alertsPerRequest}/POST ${l.rate ? `${l.tool === "open-loop" ? "even" : "ac"} @${fmt(l.rate)}/s` : `c=${l.connections} max`}`;
    const cpu = ["server", "nats", "generator", "other"].map((k) => fmt(r.cpuSeconds[k] ?? NaN, 1)).join("/");
    const cells = [
      r.scenario,
      r.target,
      load,
      fmt(l.reqPerSec),
      fmt(l.alertsPerSec),
      fmt(l.latencyMs.p50, 1),
      fmt(l.latencyMs.p90, 1),
      fmt(l.latencyMs.p99, 1),
      fmt(l.latencyMs.max, 1),
      fmt(l.non2xx),
      fmt(l.errors + l.timeouts),
      cpu,
      fmt(serverMicrosPerRequest(r)),
      fmt(r.cpuSeconds["machineIdlePct"] ?? NaN),
      fmt(r.stored),
    ];
    out.push(cells.map((c, i) => pad(c, widths[i]!, i > 2 && i !== 11)).join(" "));
  }
  out.push("");
  out.push("CPU s = CPU seconds (utime+stime) in the measured window: server under test / nats-server / bench process (load");
  out.push("generator) / everything else on the machine. srv µs/req = server CPU per completed request (steadier than req/s");
  out.push("on a shared box). idle% = whole machine.");
  out.push(
    "stored = messages added to the target's stream during the window; req/s counts all completed requests, alerts/s only 2xx ones.",
  );
  out.push("", "Goals:");
  for (const g of goals) {
    const tag = g.pass === null ? "[SKIP]" : g.pass ? "[PASS]" : g.info ? "[MISS]" : "[FAIL]";
    out.push(`  ${tag} ${pad(g.text, 58)} ${g.measured}${g.info ? "   (cross-check, not a goal)" : ""}`);
  }
  const missed = goals.filter((g) => g.pass === false && !g.info);
  if (missed.length > 0) {
    out.push("");
    out.push("!".repeat(78));
    out.push(`!!! ${missed.length} GOAL(S) MISSED: ${missed.map((g) => g.id).join(", ")}`);
    for (const g of missed) out.push(`!!!   ${g.text}: ${g.measured}`);
    out.push("!".repeat(78));
  }
  const shared = runs.filter((r) => (r.cpuSeconds["other"] ?? 0) > 0.1 * r.load.seconds);
  if (shared.length > 0) {
    out.push(
      `note: other processes used > 10% of a core during ${shared.map((r) => `${r.scenario}/${r.target}`).join(", ")}: those figures are low; run again on a quiet machine.`,
    );
  }
  for (const n of notes) out.push(`note: ${n}`);
  return out.join("\n");
}
