// A real, isolated PostgreSQL database per test: either a throwaway database on a server the developer
// points us at, or a whole throwaway cluster run from the local binaries.
import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { chown } from "node:fs/promises";
import { realpathSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import pg from "pg";
import { makeTempDir, type TempDir } from "./cleanup.js";
import { freePort } from "./ports.js";
import { runCommand, spawnTracked, type SpawnOptions, type TrackedProcess } from "./processes.js";
import { announce, containerRuntimeAvailable, findBinary, isExecutable, noSourceError, type ServerSource } from "./sources.js";
import { waitFor } from "./wait.js";

export interface PostgresHandle {
  /** Connection URL of a database that belongs to this handle alone. */
  url: string;
  source: ServerSource;
  /** Whether kill()/restart() work: only for a cluster startPostgres() runs as a local process. */
  controllable: boolean;
  /** Drops the database / stops the server and removes its files. Idempotent. */
  stop(): Promise<void>;
  /** Takes the server down, disconnecting every client (an outage); the data dir is kept for restart(). */
  kill(): Promise<void>;
  /** Starts the cluster again on the SAME port and data dir; resolves once it accepts connections. */
  restart(): Promise<void>;
}

const IMAGE = "postgres:16-alpine";
const BIND_FAILED = /could not bind|could not create any TCP\/IP sockets|address already in use/i;

/**
 * Resolution order: env VIGIL_TEST_DATABASE_URL (a fresh `vigil_test_<random>` database is created on
 * that server) → local `initdb` + `postgres` binaries (fresh cluster in a temp dir) → container (only
 * when a container runtime is reachable) → error with install advice.
 */
export async function startPostgres(): Promise<PostgresHandle> {
  const envUrl = process.env["VIGIL_TEST_DATABASE_URL"];
  if (envUrl) return fromEnv(envUrl);

  const binDir = findPostgresBinDir();
  if (binDir) return startBinary(binDir);

  if (await containerRuntimeAvailable()) return startContainer();

  throw noSourceError("PostgreSQL", [
    "install the binaries: apt-get install -y postgresql",
    "or point at a server you run: export VIGIL_TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/postgres (each test gets its own database on it; the user needs CREATEDB)",
    `or start Docker/Podman so testcontainers can run ${IMAGE}`,
  ]);
}

let sharedServer: Promise<PostgresHandle> | undefined;

/**
 * A fresh database per call, all on one server per test process: a cluster costs ~1.5 s to start, a
 * database a few milliseconds. stop() drops the database; the shared cluster goes away with the process
 * (exit hooks), so nothing outlives the test file. Outage tests need a server of their own: startPostgres().
 */
export async function freshDatabase(): Promise<PostgresHandle> {
  const envUrl = process.env["VIGIL_TEST_DATABASE_URL"];
  if (envUrl) return fromEnv(envUrl);
  sharedServer ??= startPostgres().catch((err: unknown) => {
    sharedServer = undefined; // let the next test try again (and report its own error)
    throw err;
  });
  const server = await sharedServer;
  const admin = new URL(server.url);
  admin.pathname = "/postgres";
  return createDatabaseOn(admin.toString(), server.source, "freshDatabase() shares its server with other tests");
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function fromEnv(adminUrl: string): Promise<PostgresHandle> {
  return createDatabaseOn(
    adminUrl,
    "env",
    "it is a database on the server VIGIL_TEST_DATABASE_URL names, or unset VIGIL_TEST_DATABASE_URL",
  );
}

/** A `vigil_test_<random>` database on the server `adminUrl` points at; stop() drops it. */
async function createDatabaseOn(adminUrl: string, source: ServerSource, whyNotControllable: string): Promise<PostgresHandle> {
  const dbName = `vigil_test_${randomBytes(6).toString("hex")}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${dbName}"`)).catch((err: unknown) => {
    const reason = err instanceof Error ? err.message : String(err);
    const where = source === "env" ? "VIGIL_TEST_DATABASE_URL" : "test server";
    throw new Error(`[vigil-testing] ${where}: cannot create database ${dbName} (the user needs CREATEDB): ${reason}`, { cause: err });
  });
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  if (source === "env") announce("postgres", `env VIGIL_TEST_DATABASE_URL (host ${url.host}), database ${dbName}`);
  let stopped = false;
  const notControllable = () =>
    Promise.reject(
      new Error(
        `[vigil-testing] postgres: kill()/restart() are unavailable for database ${dbName}: ${whyNotControllable}. Use startPostgres() for outage tests.`,
      ),
    );
  return {
    url: url.toString(),
    source,
    controllable: false,
    async stop() {
      if (stopped) return;
      stopped = true;
      // FORCE (PG 13+) disconnects pools a test forgot to close instead of failing the drop.
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
    },
    kill: notControllable,
    restart: notControllable,
  };
}

/** Directory holding initdb + postgres: via PATH (resolving symlinks), else the newest Debian install. */
function findPostgresBinDir(): string | undefined {
  const complete = (dir: string): boolean => isExecutable(join(dir, "initdb")) && isExecutable(join(dir, "postgres"));
  const initdb = findBinary(["initdb"], []);
  if (initdb) {
    // /usr/local/bin/initdb may be a symlink into /usr/lib/postgresql/N/bin; use the matching postgres.
    const dir = dirname(realpathSync(initdb));
    if (complete(dir)) return dir;
  }
  const root = "/usr/lib/postgresql";
  let versions: number[] = [];
  try {
    versions = readdirSync(root)
      .map(Number)
      .filter(Number.isFinite)
      .sort((a, b) => b - a);
  } catch {
    return undefined;
  }
  for (const version of versions) {
    const dir = join(root, String(version), "bin");
    if (complete(dir)) return dir;
  }
  return undefined;
}

/** PostgreSQL refuses to run as root: when we are root, run it as `postgres` (or `nobody`). */
async function runAsUser(): Promise<{ uid: number; gid: number; name: string } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number((await runCommand("id", ["-u", name], { timeoutMs: 5_000 })).output.trim());
      const gid = Number((await runCommand("id", ["-g", name], { timeoutMs: 5_000 })).output.trim());
      if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid, name };
    } catch {
      // user does not exist: try the next one
    }
  }
  throw new Error("[vigil-testing] postgres: running as root but neither user 'postgres' nor 'nobody' exists to run PostgreSQL as");
}

async function startBinary(binDir: string): Promise<PostgresHandle> {
  const dir = await makeTempDir("pg");
  try {
    const user = await runAsUser();
    // Spawning with uid/gid (instead of `runuser`/`su` wrappers) keeps the server our direct child,
    // so signals reach it unchanged and the exit hook can take it down.
    const asUser: SpawnOptions = user
      ? { uid: user.uid, gid: user.gid, cwd: dir.path, env: { ...process.env, HOME: dir.path } }
      : { cwd: dir.path };
    if (user) await chown(dir.path, user.uid, user.gid);

    const dataDir = join(dir.path, "data");
    await runCommand(join(binDir, "initdb"), ["-D", dataDir, "-U", "vigil", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], {
      ...asUser,
      name: "initdb",
      timeoutMs: 120_000,
    });

    let port = 0;
    let proc: TrackedProcess | undefined;
    // Another process can grab the port between freePort() and the bind: retry with a fresh one.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        proc = await launch(binDir, dataDir, dir, port, asUser);
        break;
      } catch (err) {
        if (attempt < 5 && err instanceof Error && BIND_FAILED.test(err.message)) continue;
        throw err;
      }
    }

    const adminUrl = `postgres://vigil@127.0.0.1:${port}/postgres`;
    try {
      await withClient(adminUrl, (c) => c.query("CREATE DATABASE vigil"));
    } catch (err) {
      await proc.stop("SIGQUIT", 5_000);
      throw err;
    }
    const runningAs = user ? ` as user ${user.name}` : "";
    announce("postgres", `binary ${join(binDir, "postgres")} on 127.0.0.1:${port}${runningAs}, data in ${dataDir}`);

    let stopped = false;
    let server = proc;
    return {
      url: `postgres://vigil@127.0.0.1:${port}/vigil`,
      source: "binary",
      controllable: true,
      async stop() {
        if (stopped) return;
        stopped = true;
        // SIGINT = "fast" shutdown (what `pg_ctl stop -m fast` sends); SIGKILL only if it hangs.
        await server.stop("SIGINT", 10_000);
        await dir.remove();
      },
      async kill() {
        if (stopped) throw new Error("[vigil-testing] postgres: kill() after stop()");
        // SIGINT = fast shutdown: every client is disconnected at once, which is all an outage looks like
        // from a pool. Not SIGQUIT (immediate): with synchronous_commit=off it would lose the last commits,
        // so data a test wrote before the outage could be missing after restart().
        await server.stop("SIGINT", 10_000);
      },
      async restart() {
        if (stopped) throw new Error("[vigil-testing] postgres: restart() after stop(): the data dir is gone");
        if (server.running) await server.stop("SIGINT", 10_000);
        // Same port is the point (pools reconnect to the URL they know): wait out a briefly busy port.
        const deadline = Date.now() + 10_000;
        for (;;) {
          try {
            server = await launch(binDir, dataDir, dir, port, asUser);
            return;
          } catch (err) {
            if (!(err instanceof Error && BIND_FAILED.test(err.message)) || Date.now() > deadline) throw err;
            await delay(250);
          }
        }
      },
    };
  } catch (err) {
    await dir.remove();
    throw err;
  }
}

async function launch(binDir: string, dataDir: string, dir: TempDir, port: number, asUser: SpawnOptions): Promise<TrackedProcess> {
  // The server runs in the foreground as our child (not daemonized by `pg_ctl start`), so its log
  // lands in the ring buffer and a crashed test process cannot leave it running.
  // Durability is irrelevant for throwaway test data: fsync & co. off makes DDL-heavy tests fast.
  const proc = spawnTracked(
    join(binDir, "postgres"),
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      dir.path,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ],
    // SIGQUIT = immediate shutdown: unlike SIGKILL, postgres still tears down its children and shm.
    { ...asUser, name: "postgres", exitSignal: "SIGQUIT" },
  );
  try {
    await proc.waitForLine(/database system is ready to accept connections/, 60_000);
    const accepting = waitFor(
      async () => {
        if (!proc.running) return true; // stop polling: raceExit below reports the exit
        await withClient(`postgres://vigil@127.0.0.1:${port}/postgres`, (c) => c.query("select 1"));
        return true;
      },
      { timeoutMs: 15_000, message: `postgres on port ${port} does not accept connections` },
    );
    await proc.raceExit(accepting, "while waiting for connections");
    return proc;
  } catch (err) {
    await proc.stop("SIGQUIT", 5_000);
    throw err;
  }
}

async function startContainer(): Promise<PostgresHandle> {
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer(IMAGE).withDatabase("vigil").start();
  announce("postgres", `container ${IMAGE} on ${container.getHost()}:${container.getPort()}`);
  let stopped = false;
  const notControllable = () =>
    Promise.reject(
      new Error(
        "[vigil-testing] postgres: kill()/restart() are unavailable for a container (its port changes); install the binaries for outage tests.",
      ),
    );
  return {
    url: container.getConnectionUri(),
    source: "container",
    controllable: false,
    async stop() {
      if (stopped) return;
      stopped = true;
      await container.stop();
    },
    kill: notControllable,
    restart: notControllable,
  };
}
