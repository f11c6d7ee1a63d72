// A real NATS server (with JetStream) per test, including crash/outage simulation for resilience tests.
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { NATS_READY_LINE, natsServerArgs } from "@vigil/local-nats";
import { makeTempDir, type TempDir } from "./cleanup.js";
import { canConnect, freePort } from "./ports.js";
import { spawnTracked, type TrackedProcess } from "./processes.js";
import { announce, containerRuntimeAvailable, findBinary, noSourceError, type ServerSource } from "./sources.js";
import { waitFor } from "./wait.js";

export interface StartNatsOptions {
  /** Enable JetStream (default true). */
  jetstream?: boolean;
}

export interface NatsServerHandle {
  url: string;
  port: number;
  source: ServerSource;
  /** Whether kill()/restart() work: only for a server this harness started as a local process. */
  controllable: boolean;
  /** Graceful shutdown and cleanup of the store dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL: simulates a crash/outage. The store dir is kept so restart() recovers JetStream state. */
  kill(): Promise<void>;
  /**
   * Starts again on the SAME port; resolves when ready (stops first if running). The store dir is kept,
   * so JetStream state survives, unless `wipeStore`: then the server comes back empty, as a pod whose
   * volume was lost would (streams, consumers and KV buckets gone).
   */
  restart(opts?: RestartNatsOptions): Promise<void>;
}

export interface RestartNatsOptions {
  /** Start with an empty store directory (default false). */
  wipeStore?: boolean;
}

const READY_TIMEOUT_MS = 30_000;
const IMAGE = "nats:2.10-alpine";
const ADDR_IN_USE = /address already in use/i;

/**
 * Starts (or locates) a NATS server. Resolution order: env VIGIL_TEST_NATS_URL → `nats-server` binary
 * → container (only when a container runtime is reachable) → error with install advice.
 */
export async function startNats(opts: StartNatsOptions = {}): Promise<NatsServerHandle> {
  const jetstream = opts.jetstream ?? true;
  const envUrl = process.env["VIGIL_TEST_NATS_URL"];
  if (envUrl) return await fromEnv(envUrl);

  const binary = findBinary(["nats-server"], ["/usr/sbin", "/usr/local/bin"]);
  if (binary) return startBinary(binary, jetstream);

  if (await containerRuntimeAvailable()) return startContainer(jetstream);

  throw noSourceError("nats-server", [
    "install the binary: apt-get install -y nats-server",
    "or point at a server you run: export VIGIL_TEST_NATS_URL=nats://127.0.0.1:4222 (kill/restart tests are then skipped)",
    `or start Docker/Podman so testcontainers can run ${IMAGE}`,
  ]);
}

function notControllable(source: ServerSource): () => Promise<never> {
  return () =>
    Promise.reject(
      new Error(
        `[vigil-testing] this NATS server (source: ${source}) was not started as a local process by the harness, ` +
          `so kill()/restart() are unavailable. Check handle.controllable and skip outage tests` +
          (source === "env" ? ", or unset VIGIL_TEST_NATS_URL to let the harness start nats-server." : "."),
      ),
    );
}

async function fromEnv(envUrl: string): Promise<NatsServerHandle> {
  // The env var may hold a comma-separated server list, with or without a scheme; describe the first.
  const first = envUrl.split(",")[0]?.trim() ?? envUrl;
  const parsed = new URL(first.includes("://") ? first : `nats://${first}`);
  const port = Number(parsed.port || 4222);
  // Fail here with a clear message rather than deep inside the test's first connect().
  const host = parsed.hostname.replace(/^\[|\]$/g, ""); // IPv6 literals come bracketed
  if (!(await canConnect(port, host, 3_000))) {
    throw new Error(`[vigil-testing] VIGIL_TEST_NATS_URL=${envUrl}: nothing accepts connections at ${parsed.hostname}:${port}`);
  }
  announce("nats", `env VIGIL_TEST_NATS_URL=${envUrl}`);
  return {
    url: envUrl,
    port,
    source: "env",
    controllable: false,
    stop: async () => {},
    kill: notControllable("env"),
    restart: notControllable("env"),
  };
}

async function startBinary(binary: string, jetstream: boolean): Promise<NatsServerHandle> {
  const storeDir = await makeTempDir("nats");
  let proc: TrackedProcess | undefined;
  let port = 0;
  let stopped = false;

  // Another process can grab the port between freePort() and the bind: retry with a fresh one.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      proc = await launch(binary, port, storeDir, jetstream);
      break;
    } catch (err) {
      if (attempt < 5 && err instanceof Error && ADDR_IN_USE.test(err.message)) continue;
      await storeDir.remove();
      throw err;
    }
  }

  const url = `nats://127.0.0.1:${port}`;
  announce("nats", `binary ${binary} on 127.0.0.1:${port}${jetstream ? " (JetStream)" : ""}`);

  return {
    url,
    port,
    source: "binary",
    controllable: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc?.stop("SIGTERM", 5_000);
      await storeDir.remove();
    },
    async kill() {
      if (stopped) throw new Error("[vigil-testing] nats: kill() after stop()");
      await proc?.stop("SIGKILL");
    },
    async restart(opts: RestartNatsOptions = {}) {
      if (stopped) throw new Error("[vigil-testing] nats: restart() after stop(): the store dir is gone");
      if (proc?.running) await proc.stop("SIGTERM", 5_000);
      if (opts.wipeStore) {
        for (const entry of await readdir(storeDir.path)) await rm(join(storeDir.path, entry), { recursive: true, force: true });
      }
      // Same port is the point (clients reconnect to the URL they know), so wait out a briefly busy
      // port instead of picking another one.
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          proc = await launch(binary, port, storeDir, jetstream);
          return;
        } catch (err) {
          if (!(err instanceof Error && ADDR_IN_USE.test(err.message)) || Date.now() > deadline) throw err;
          await delay(250);
        }
      }
    },
  };
}

async function launch(binary: string, port: number, storeDir: TempDir, jetstream: boolean): Promise<TrackedProcess> {
  const args = natsServerArgs({ host: "127.0.0.1", port, name: `vigil-test-${port}`, storeDir: storeDir.path, jetstream });
  const proc = spawnTracked(binary, args, { name: "nats-server" });
  try {
    // The ready line comes after JetStream recovered its store, so streams exist once we return.
    await proc.waitForLine(NATS_READY_LINE, READY_TIMEOUT_MS);
    await waitFor(() => canConnect(port), { timeoutMs: 5_000, message: `nats-server on port ${port} does not accept TCP` });
    return proc;
  } catch (err) {
    await proc.stop("SIGKILL");
    throw err;
  }
}

async function startContainer(jetstream: boolean): Promise<NatsServerHandle> {
  // GenericContainer instead of @testcontainers/nats' NatsContainer: the latter always enables
  // user/password auth, and nats.js v3 ignores credentials embedded in the URL, so `url` alone
  // would not be enough to connect.
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer(IMAGE)
    // Explicit args: an empty list could fall back to the image default (a config file with more in it).
    .withCommand(jetstream ? ["-p", "4222", "-js"] : ["-p", "4222"])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .withStartupTimeout(120_000)
    .start();
  const host = container.getHost();
  const port = container.getMappedPort(4222);
  announce("nats", `container ${IMAGE} on ${host}:${port}`);
  let stopped = false;
  return {
    url: `nats://${host}:${port}`,
    port,
    source: "container",
    controllable: false,
    async stop() {
      if (stopped) return;
      stopped = true;
      await container.stop();
    },
    kill: notControllable("container"),
    restart: notControllable("container"),
  };
}
