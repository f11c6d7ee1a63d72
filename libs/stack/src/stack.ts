// startStack: NATS and PostgreSQL (side by side), the simulator when there is no cluster, then the seven services as
// their own processes. Whatever fails stops what already started, and the error says what to do. Stopping goes the
// other way: the services first (they drain into NATS and PostgreSQL), then the simulator, PostgreSQL and NATS.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { KubeSim } from "@vigil/kube-sim";
import { removeConnection, writeConnection } from "./connection-file.js";
import { formatLogLine, formatStackLine, type LineStyle } from "./log-format.js";
import { startStackNats, type StackNats } from "./nats.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./postgres.js";
import { RepeatFolder } from "./repeat-fold.js";
import { freePort } from "./processes.js";
import { waitForReadiness } from "./readiness.js";
import { resolveStackOptions } from "./resolve-options.js";
import { claimDataDir, type RunRecord } from "./run-record.js";
import { serviceEnvironment } from "./service-env.js";
import { spawnService, type ServiceChild } from "./service-process.js";
import { startSimulator } from "./simulator.js";
import type { RunningService, ServiceName, Stack, StackOptions, StartStack } from "./stack-options.js";

const took = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function timed<T>(what: Promise<T>): Promise<{ value: T; started: number }> {
  const started = Date.now();
  return { value: await what, started };
}

export const startStack: StartStack = async (opts: StackOptions): Promise<Stack> => {
  const environment = opts.environment ?? process.env;
  const output = opts.output ?? process.stdout;
  const resolved = resolveStackOptions(opts, environment, (output as { isTTY?: boolean }).isTTY === true);
  const style: LineStyle = { format: resolved.logFormat, color: resolved.color };
  const write = (line: string | undefined): void => void (line !== undefined && output.write(`${line}\n`));
  const lines = new RepeatFolder(style, write);
  // A line of the stack's own comes after whatever the services said before it.
  const print: Stack["print"] = (message, fields, level) => (lines.flush(), write(formatStackLine(message, style, fields, level)));
  const progress = opts.onProgress ?? (() => {});
  const checkAborted = (): void => {
    if (opts.signal?.aborted) throw new Error("stopped while starting");
  };

  let nats: StackNats | undefined;
  let postgres: EmbeddedPostgres | undefined;
  let sim: KubeSim | undefined;
  let run: RunRecord | undefined;
  const children: ServiceChild[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await Promise.all(children.map((c) => c.stop()));
      lines.flush();
      if (run) await removeConnection(resolved.dataDir);
      await sim?.stop();
      await postgres?.stop();
      await nats?.stop();
      await run?.release();
      process.removeListener("exit", kill);
    })());
  const kill = (): void => {
    lines.flush();
    for (const c of children) c.kill();
    postgres?.kill();
    try {
      if (nats?.pid) process.kill(nats.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };

  // Never outlive the process that started us, even when it exits without stop() (an uncaught error).
  process.once("exit", kill);
  try {
    await mkdir(resolved.dataDir, { recursive: true });
    run = await claimDataDir(resolved.dataDir, progress);
    const [natsResult, pgResult] = await Promise.allSettled([
      timed(
        startStackNats({
          url: resolved.natsUrl,
          dataDir: resolved.dataDir,
          port: resolved.natsPort,
          onProblem: (line) => write(formatLogLine("nats", line, style)),
        }),
      ),
      resolved.databaseUrl
        ? Promise.resolve(undefined)
        : timed(
            (async () =>
              startEmbeddedPostgres({
                dir: join(resolved.dataDir, "postgres"),
                port: resolved.pgPort || (await freePort()),
                onProblem: (line) => write(formatLogLine("postgres", line, style)),
                onNote: progress,
              }))(),
          ),
    ]);
    if (natsResult.status === "fulfilled") nats = natsResult.value.value;
    if (pgResult.status === "fulfilled") postgres = pgResult.value?.value;
    if (natsResult.status === "rejected") throw natsResult.reason;
    if (pgResult.status === "rejected") throw pgResult.reason;
    if (nats?.pid) await run.add({ name: "nats", pid: nats.pid, group: false });
    if (postgres) await run.add({ name: "postgres", pid: postgres.pid, group: false });
    const natsUrl = nats!.url;
    progress(nats!.pid ? `NATS (JetStream) ready at ${natsUrl} in ${took(natsResult.value.started)}` : `NATS: ${natsUrl} (NATS_URL)`);
    const databaseUrl = postgres?.url ?? resolved.databaseUrl!;
    progress(
      postgres && pgResult.status === "fulfilled"
        ? `PostgreSQL ready on port ${new URL(databaseUrl).port} in ${took(pgResult.value!.started)}`
        : "PostgreSQL: DATABASE_URL",
    );
    checkAborted();

    let kubeconfig: string | undefined;
    let scenario: string | undefined;
    if (resolved.cluster.kind === "simulator") {
      const started = Date.now();
      const run = await startSimulator({ ...resolved.cluster, clock: resolved.clock, dataDir: resolved.dataDir });
      sim = run.sim;
      kubeconfig = run.kubeconfig;
      scenario = resolved.cluster.scenario;
      progress(`Kubernetes simulator ready at ${sim.url} with scenario "${scenario}" in ${took(started)}`);
    } else if (resolved.cluster.kind === "kubeconfig") {
      kubeconfig = resolved.cluster.path;
    }
    checkAborted();

    const services = {} as Record<ServiceName, RunningService>;
    const started = Date.now();
    // Decisions over the executor's REST API need a token: a local stack makes one, and the CLI finds it in
    // connection.json (the user's own EXECUTOR_API_TOKEN wins).
    const executorApiToken = environment.EXECUTOR_API_TOKEN || randomBytes(24).toString("hex");
    for (const name of resolved.services) {
      const port = resolved.ports[name] || (await freePort());
      const wiring = { natsUrl, databaseUrl, kubeconfig, port };
      const extra = { ...(name === "executor" ? { EXECUTOR_API_TOKEN: executorApiToken } : {}), ...opts.env?.[name] };
      const env = serviceEnvironment(name, resolved, environment, wiring, extra);
      const child = spawnService({ root: resolved.root, name, env, onLine: (line) => lines.push(name, line) });
      children.push(child);
      await run.add({ name, pid: child.pid, group: true });
      const host = resolved.host === "0.0.0.0" ? "127.0.0.1" : resolved.host;
      services[name] = { name, url: `http://${host}:${port}`, pid: child.pid };
    }
    await writeConnection(resolved.dataDir, {
      natsUrl,
      databaseUrl,
      services: Object.fromEntries(Object.values(services).map((s) => [s.name, s.url])),
      executorApiToken,
      pid: process.pid,
    });
    progress(`started ${children.length} services in ${took(started)}; waiting for them to be ready`);

    let announceExit: (info: Awaited<Stack["exited"]>) => void = () => {};
    const exited = new Promise<Awaited<Stack["exited"]>>((resolve) => (announceExit = resolve));
    for (const child of children)
      void child.exited.then(({ code, signal }) => {
        if (!stopping) announceExit({ name: child.name, code, signal, lastLines: child.tail() });
      });

    const stack: Stack = {
      natsUrl,
      databaseUrl,
      kubeconfig: kubeconfig ?? "",
      services,
      exited,
      ready: (o = {}) =>
        waitForReadiness(
          children.map((child) => ({ child, url: services[child.name].url })),
          o,
        ),
      stop,
      kill,
      logFormat: resolved.logFormat,
      print,
      write: (text) => (lines.flush(), write(text)),
      dataDir: resolved.dataDir,
      infrastructure: [
        ...(nats!.pid ? [{ name: "nats" as const, pid: nats!.pid }] : []),
        ...(postgres ? [{ name: "postgres" as const, pid: postgres.pid }] : []),
      ],
    };
    if (sim) stack.sim = sim;
    if (scenario) stack.scenario = scenario;
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
};
