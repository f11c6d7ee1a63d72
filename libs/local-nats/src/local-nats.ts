// A nats-server child process with JetStream, for running Vigil on a developer's machine (`npm start`). The
// test harness (@vigil/testing) starts its servers with the same arguments and readiness line from here.
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";

/** nats-server logs this once it listens for clients and JetStream has recovered its store: it accepts connections. */
export const NATS_READY_LINE = /Server is ready/;
/** Logged before the ready line; names the port the server picked when given -1. */
const LISTENING_LINE = /Listening for client connections on \S+:(\d+)/;

/** Debian's package installs nats-server in /usr/sbin, which is not on every user's PATH. */
const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin"];
const INSTALL_ADVICE = "install it (apt-get install -y nats-server, or a release from https://github.com/nats-io/nats-server/releases)";

export interface NatsServerArgs {
  host: string;
  port: number;
  /** Shown in the server's logs and monitoring. */
  name: string;
  /** Where JetStream keeps streams, consumers and KV buckets. */
  storeDir: string;
  jetstream: boolean;
}

/** The command line of a single local server: loopback only, one port, JetStream in storeDir. */
export function natsServerArgs(a: NatsServerArgs): string[] {
  const args = ["-a", a.host, "-p", String(a.port), "-n", a.name, "-sd", a.storeDir];
  if (a.jetstream) args.push("-js");
  return args;
}

export interface LocalNatsOptions {
  /** The binary: a name looked up on PATH and in the usual system dirs, or a path. Default nats-server. */
  command?: string;
  /** Created if missing, and kept: streams and KV state survive a restart, as with a deployed server. */
  storeDir: string;
  /** 0 (the default): a free port the server picks itself, so a NATS already running on 4222 is no obstacle. */
  port?: number;
  /** Default 127.0.0.1: nothing outside this machine can reach a local development server. */
  host?: string;
  name?: string;
  /** Gets every line the server writes (its log), e.g. to show warnings. */
  onLine?: (line: string) => void;
  /** Default 30 s: recovering a large JetStream store takes a while. */
  readyTimeoutMs?: number;
}

export interface LocalNats {
  url: string;
  pid: number;
  /** SIGTERM (nats-server flushes JetStream), SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts nats-server from PATH (or the usual system dirs) and resolves once it accepts connections. Rejects
 * with what to do when the binary is missing, and with the server's last log lines when it exits early (a
 * taken port, a store dir it cannot write).
 */
export async function startLocalNats(options: LocalNatsOptions): Promise<LocalNats> {
  const host = options.host ?? "127.0.0.1";
  let port = options.port ?? 0;
  await mkdir(options.storeDir, { recursive: true });
  // -1 is nats-server's "any free port": no window between finding a free port and binding it.
  const args = natsServerArgs({ host, port: port || -1, name: options.name ?? "vigil-local", storeDir: options.storeDir, jetstream: true });
  // spawn looks the command up on env.PATH, so the system dirs are appended there rather than searched here.
  const PATH = [process.env.PATH, ...SYSTEM_DIRS].filter(Boolean).join(":");
  const command = options.command ?? "nats-server";
  // detached: a process group of its own, so the terminal's Ctrl-C reaches the services but not the server
  // they drain into; whoever started it stops it last.
  const child = spawn(command, args, { env: { ...process.env, PATH }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  // Never outlive the process that started it, even when that one exits without calling stop().
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);

  /** The last lines, and every error: what a failed start is explained with. */
  const tail: string[] = [];
  const problems: string[] = [];
  const exited = new Promise<string>((resolve) => {
    child.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ENOENT" ? "missing" : err.message));
    child.once("exit", (code, signal) => resolve(`exited (${signal ?? code})`));
  });
  const ready = new Promise<void>((resolve) => {
    for (const stream of [child.stdout, child.stderr]) {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          tail.push(line);
          if (tail.length > 5) tail.shift();
          if (/\[(ERR|FTL)\]/.test(line)) problems.push(line);
          options.onLine?.(line);
          const listening = LISTENING_LINE.exec(line);
          if (listening) port = Number(listening[1]);
          if (NATS_READY_LINE.test(line)) resolve();
        }
      });
    }
  });
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`not ready within ${timeoutMs} ms`), timeoutMs)));

  const failure = await Promise.race([ready.then(() => undefined), exited, timedOut]);
  clearTimeout(timer);
  if (failure === "missing") return fail(`${command} not found on PATH or in ${SYSTEM_DIRS.join(", ")}: ${INSTALL_ADVICE}`, false);
  if (failure !== undefined) return fail(`${command} ${failure}`);
  if (port <= 0) return fail(`${command} is ready but never said which port it listens on`);

  let stopped: Promise<void> | undefined;
  return {
    url: `nats://${host.includes(":") ? `[${host}]` : host}:${port}`,
    pid: child.pid ?? -1,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
          child.kill("SIGTERM");
          await exited;
          clearTimeout(force);
        }
        process.removeListener("exit", killOnExit);
      })();
      return stopped;
    },
  };

  async function fail(reason: string, withLog = true): Promise<never> {
    child.kill("SIGKILL");
    await exited;
    process.removeListener("exit", killOnExit);
    const lines = problems.length > 0 ? problems : tail;
    throw new Error(withLog && lines.length > 0 ? `${reason}:\n${lines.join("\n")}` : reason);
  }
}
