// The analyzer as a process (main.ts): without cluster access it refuses to start with a configuration error
// that says what to set (exit 78, before it even looks for NATS); with it, it becomes ready, and SIGTERM stops
// the consumer, the caches, the telemetry feeds and the incident watch and exits 0.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { freePort, makeTempDir, type NatsServerHandle, spawnTracked, startNats, type TempDir, waitFor } from "@vigil/testing";

const main = new URL("../src/main.ts", import.meta.url).pathname;
const nodeArgs = ["--conditions=@vigil/source", "--import", "tsx", main];

/** The environment without any way to find a cluster (no KUBECONFIG, an empty home, not in a pod). */
function withoutClusterAccess(home: string): NodeJS.ProcessEnv {
  const { KUBECONFIG: _k, KUBERNETES_SERVICE_HOST: _h, KUBERNETES_SERVICE_PORT: _p, ...env } = process.env;
  return { ...env, HOME: home };
}

describe("analyzer process: start-up and shutdown", () => {
  let nats: NatsServerHandle;
  let home: TempDir;
  before(async () => {
    nats = await startNats();
    home = await makeTempDir("analyzer-home");
  });
  after(async () => {
    await home?.remove();
    await nats?.stop();
  });

  it("exits 78 with a configuration error naming KUBECONFIG when it finds no cluster", async () => {
    const proc = spawnTracked(process.execPath, nodeArgs, {
      name: "analyzer",
      // NATS is unreachable on purpose: the configuration is checked first, so the answer does not wait on it.
      env: { ...withoutClusterAccess(home.path), NATS_URL: `nats://127.0.0.1:${await freePort()}`, PORT: "0", HOST: "127.0.0.1" },
    });
    // The child is unref'd (it never keeps the test alive): poll, so this test's own timers keep the loop running.
    await waitFor(() => !proc.running, { timeoutMs: 20_000, message: `analyzer exits\n${proc.tail(20)}` });
    const exit = await proc.exited;
    await proc.closed;
    assert.equal(exit.code, 78, proc.tail(20));
    assert.match(proc.tail(20), /KUBECONFIG: the analyzer reads the cluster and found no access/);
    assert.match(proc.tail(20), /set KUBECONFIG to a kubeconfig file/);
  });

  it("becomes ready on a cluster and stops cleanly on SIGTERM", async () => {
    const sim = await KubeSim.start({ clock: "virtual", scenario: "healthy" });
    const kubeconfig = join(home.path, "kubeconfig.yaml");
    await sim.writeKubeconfig(kubeconfig);
    const port = await freePort();
    const proc = spawnTracked(process.execPath, nodeArgs, {
      name: "analyzer",
      env: {
        ...withoutClusterAccess(home.path),
        KUBECONFIG: kubeconfig,
        NATS_URL: nats.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
      },
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      const ready = await proc.raceExit(
        waitFor(
          async () => {
            const res = await fetch(`${url}/readyz`);
            return res.status === 200 ? ((await res.json()) as { checks: Record<string, unknown> }) : undefined;
          },
          { timeoutMs: 30_000, message: "analyzer ready" },
        ),
        "while starting",
      );
      for (const check of ["nats", "kube-caches", "incidents", "telemetry", "consumers"])
        assert.ok(check in ready.checks, `readiness checks ${check}`);
      const exit = await proc.stop("SIGTERM", 15_000);
      assert.equal(exit.code, 0, `clean exit\n${proc.tail(20)}`);
    } finally {
      await proc.stop("SIGKILL", 1000);
      await sim.stop();
    }
  });
});
