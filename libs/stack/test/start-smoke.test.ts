// The smoke test of `npm start` (issue #18's Done-when): the real scripts/start.ts as its own process, from a clean
// data dir, on free ports, minus the build (CI's `npm test` has built; VIGIL_SKIP_BUILD=1). It waits for all seven
// /readyz, sends the alert Alertmanager would send for the running scenario (oom-crashloop: a payments-api pod
// OOM-killed in a crash loop), sees the executor apply the fix live and the effectiveness service assess it (after a
// 2 s stabilization window), then sends SIGINT and checks the exit code, that every process it started is gone,
// that nothing listens on any of its ports, and that the embedded PostgreSQL shut down cleanly.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { execFile } from "node:child_process";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { freePort, spawnTracked, waitFor } from "@vigil/testing";
import { portVariable, SERVICE_NAMES, type ServiceName } from "@vigil/stack";

const root = new URL("../../..", import.meta.url).pathname;

/** A command's exit code and output (a non-zero exit is a result here, not an error). */
const run = (file: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(file, args, { ...opts, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    ),
  );

interface Summary {
  services: Record<ServiceName, { url: string; pid: number }>;
  natsUrl: string;
  databaseUrl: string;
  simulator: { url: string; scenario: string };
  infrastructure: Array<{ name: string; pid: number }>;
  dataDir: string;
}

interface PodList {
  items: Array<{
    metadata: { name: string };
    status?: { containerStatuses?: Array<{ name: string; lastState?: { terminated?: { reason?: string } } }> };
  }>;
}

/** Every descendant of `pid`, read from /proc (the services, their children, nats-server, postgres and its workers). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Exited while we looked.
    }
  }
  const out: number[] = [];
  const visit = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      visit(c);
    }
  };
  visit(pid);
  return out;
}

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
  } catch {
    return false;
  }
};

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return (await res.json()) as T;
}

test(
  "npm start runs all seven services, closes the loop on an alert, and stops leaving nothing behind",
  { timeout: 240_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "vigil-start-"));
    // As root the embedded PostgreSQL runs as `postgres`, which must be able to enter the data dir's parents.
    await chmod(dir, 0o755);
    t.after(() => rm(dir, { recursive: true, force: true }));
    const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (n) => [n, await freePort()] as const))) as Record<
      ServiceName,
      number
    >;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const inherited of ["NATS_URL", "DATABASE_URL", "KUBECONFIG", "KUBERNETES_SERVICE_HOST", "LOG_LEVEL", "HOST"])
      delete env[inherited];
    Object.assign(env, {
      VIGIL_SKIP_BUILD: "1",
      VIGIL_DATA_DIR: join(dir, "data"),
      VIGIL_SCENARIO: "oom-crashloop",
      LOG_FORMAT: "json",
      PG_PORT: String(await freePort()),
      INGEST_GRPC_PORT: String(await freePort()),
      // Live, with an assessment 2 s after the action: the loop closes in seconds on the simulator's real clock.
      EXECUTOR_MODE: "live",
      EFFECTIVENESS_STABILIZATION_WINDOW: "2s",
      EFFECTIVENESS_DUE_RECHECK: "500ms",
      ...Object.fromEntries(SERVICE_NAMES.map((n) => [portVariable(n), String(ports[n])])),
    });
    const start = spawnTracked(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", join(root, "scripts", "start.ts")], {
      name: "npm start",
      cwd: root,
      env,
    });
    t.after(() => start.stop("SIGKILL"));

    // 1. Every /readyz, at the ports asked for (the summary is printed only once all seven answered 200).
    const summary = JSON.parse(await start.waitForLine(/"msg":"ready"/, 150_000)) as Summary;
    for (const name of SERVICE_NAMES) {
      assert.equal(summary.services[name].url, `http://127.0.0.1:${ports[name]}`);
      const res = await fetch(`${summary.services[name].url}/readyz`);
      assert.equal(res.status, 200, `${name} /readyz: ${await res.text()}`);
    }
    assert.equal(summary.simulator.scenario, "oom-crashloop");
    assert.match(summary.databaseUrl, new RegExp(`^postgres://vigil:vigil@127\\.0\\.0\\.1:${env.PG_PORT}/vigil$`));

    // 2. The alert Prometheus' KubePodCrashLooping rule fires for an OOM-killed payments-api pod, as Alertmanager posts it.
    const pod = await waitFor(
      async () => {
        const pods = await getJson<PodList>(`${summary.simulator.url}/api/v1/namespaces/shop/pods`);
        return pods.items.find((p) => p.status?.containerStatuses?.some((s) => s.lastState?.terminated?.reason === "OOMKilled"))?.metadata
          .name;
      },
      { timeoutMs: 60_000, message: "a payments-api pod OOM-killed in the simulator" },
    );
    const labels = {
      alertname: "KubePodCrashLooping",
      severity: "warning",
      namespace: "shop",
      pod,
      container: "api",
      job: "kube-state-metrics",
    };
    const posted = await fetch(`${summary.services.webhook.url}/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        version: "4",
        groupKey: '{}:{alertname="KubePodCrashLooping"}',
        truncatedAlerts: 0,
        status: "firing",
        receiver: "vigil",
        groupLabels: { alertname: "KubePodCrashLooping" },
        commonLabels: labels,
        commonAnnotations: {},
        externalURL: "http://alertmanager.monitoring:9093",
        alerts: [
          {
            status: "firing",
            labels,
            annotations: {
              summary: "Pod is crash looping.",
              description: `Pod shop/${pod} (api) is in waiting state (reason: "CrashLoopBackOff").`,
            },
            startsAt: new Date(Date.now() - 60_000).toISOString(),
            endsAt: "0001-01-01T00:00:00Z",
            generatorURL: "http://prometheus.monitoring:9090/graph",
            fingerprint: "5e1f0c0ffee0b0a7",
          },
        ],
      }),
    });
    assert.equal(posted.status, 200, await posted.text());

    type Action = { executionId: string; action: string; status: string; dryRun?: boolean };
    const action = await waitFor(
      async () => {
        const page = await getJson<{ data: { items: Action[] } }>(`${summary.services.executor.url}/api/v1/actions`);
        return page.data.items.find((a) => a.status === "succeeded");
      },
      { timeoutMs: 60_000, message: "an executed action in the executor's history" },
    );
    assert.equal(action.action, "increase_resources");
    type Assessment = { executionId: string; assessment?: { outcome: string; score: number | null } };
    const assessed = await waitFor(
      async () => {
        const page = await getJson<{ data: { items: Assessment[] } }>(`${summary.services.effectiveness.url}/api/v1/assessments`);
        return page.data.items.find((a) => a.executionId === action.executionId && a.assessment);
      },
      { timeoutMs: 60_000, message: `an assessment of ${action.executionId}` },
    );
    assert.ok(typeof assessed.assessment!.score === "number", `a live action is scored: ${JSON.stringify(assessed.assessment)}`);

    // 2b. `vigil` finds this stack by itself (its connection.json in the data dir): no URLs, no NATS_URL, no token.
    const cliEnv = { ...env };
    for (const name of SERVICE_NAMES) delete cliEnv[portVariable(name)];
    const vigil = (...args: string[]) =>
      run(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", join(root, "libs", "cli", "src", "main.ts"), ...args], {
        cwd: root,
        env: cliEnv,
      });
    const status = await vigil("status", "--json");
    const report = JSON.parse(status.stdout) as { ok: boolean; services: Array<{ service: string; ready: boolean }> };
    assert.equal(status.code, 0, status.stderr + status.stdout);
    assert.deepEqual(
      report.services
        .filter((s) => s.ready)
        .map((s) => s.service)
        .sort(),
      [...SERVICE_NAMES].sort(),
    );
    const paused = await vigil("pause", "--by", "smoke-test", "--reason", "the executor's token comes from the stack");
    assert.equal(paused.code, 0, paused.stderr + paused.stdout);
    assert.equal((await vigil("resume", "--by", "smoke-test", "--reason", "done")).code, 0);

    // 3. Ctrl-C: a clean exit, and nothing left running or listening.
    const pids = [
      ...descendants(start.pid),
      ...Object.values(summary.services).map((s) => s.pid),
      ...summary.infrastructure.map((p) => p.pid),
    ];
    assert.ok(summary.infrastructure.some((p) => p.name === "postgres") && summary.infrastructure.some((p) => p.name === "nats"));
    const natsPort = Number(new URL(summary.natsUrl).port);
    const allPorts = [
      ...Object.values(ports),
      Number(env.PG_PORT),
      Number(env.INGEST_GRPC_PORT),
      natsPort,
      Number(new URL(summary.simulator.url).port),
    ];
    start.child.kill("SIGINT");
    // A deadline, not a wait: the exit itself is awaited; this only bounds it.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`no exit 30 s after SIGINT:\n${start.tail()}`)), 30_000)),
    );
    const exit = await Promise.race([start.exited, late]).finally(() => clearTimeout(timer));
    assert.deepEqual(exit, { code: 0, signal: null }, start.tail());
    await waitFor(() => pids.every((p) => !alive(p)), {
      timeoutMs: 10_000,
      message: `every process gone (${pids.filter(alive).join(", ")})`,
    });
    for (const port of allPorts) assert.equal(await listening(port), false, `port ${port} still accepts connections`);
    // A fast shutdown removes postmaster.pid; a killed server would leave it.
    assert.equal(existsSync(join(dir, "data", "postgres", "postmaster.pid")), false, "PostgreSQL stopped cleanly");
    assert.match(start.tail(), /"msg":"stopped"/);
  },
);
