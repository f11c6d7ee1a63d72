// A Vigil service as its own process, as it runs in production: its main.ts under tsx (the sources as written), on a
// free port, ready once its /readyz answers 200. For crash tests (SIGKILL it), and for tests that run several
// services side by side: a service's tests never import another service, they start it.
import { freePort } from "./ports.js";
import { spawnTracked, type TrackedProcess } from "./processes.js";
import { waitFor } from "./wait.js";

export interface ServiceProcessOptions {
  /** For logs and errors: "executor". */
  name: string;
  /** Path of the service's main.ts. */
  main: string;
  /** Added to this process's environment (PORT and HOST are set here). */
  env?: Record<string, string>;
  /** How long to wait for /readyz (default 90 s: a cold tsx start on a busy 2-core machine). */
  readyTimeoutMs?: number;
}

export interface ServiceProcess {
  proc: TrackedProcess;
  url: string;
}

export async function startServiceProcess(opts: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const proc = spawnTracked(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", opts.main], {
    name: opts.name,
    env: { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn", ...opts.env, PORT: String(port), HOST: "127.0.0.1" },
  });
  const url = `http://127.0.0.1:${port}`;
  await proc.raceExit(
    waitFor(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, {
      timeoutMs: opts.readyTimeoutMs ?? 90_000,
      message: `${opts.name} ready\n${proc.tail(20)}`,
    }),
    `before it was ready`,
  );
  return { proc, url };
}
