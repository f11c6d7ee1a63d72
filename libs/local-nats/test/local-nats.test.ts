// startLocalNats against the real nats-server binary: what `npm start` relies on.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalNats } from "../src/index.js";

/** Whether the binary is there at all: without it only the "missing" case can run. */
// Plain temp dirs and ports: @vigil/testing itself runs nats-server through this package, so its tests
// cannot depend on the harness.
const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `vigil-${prefix}-`));
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
const probeDir = tempDir("probe");
const installed = await startLocalNats({ storeDir: probeDir }).then(
  (server) => server.stop().then(() => true),
  (err: Error) => (/not found/.test(err.message) ? false : Promise.reject(err)),
);
rmSync(probeDir, { recursive: true, force: true });
const needsBinary = installed ? {} : { skip: "nats-server is not installed (apt-get install -y nats-server)" };

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startLocalNats", () => {
  const store = { path: "" };
  before(() => {
    store.path = tempDir("local-nats");
  });
  after(() => {
    rmSync(store.path, { recursive: true, force: true });
  });

  it("runs JetStream with its store in storeDir, keeps it across a restart, and stop() ends the process", needsBinary, async () => {
    const port = await freePort();
    const first = await startLocalNats({ storeDir: store.path, port });
    assert.equal(first.url, `nats://127.0.0.1:${port}`);
    const nc = await connect({ servers: first.url });
    await (await jetstreamManager(nc)).streams.add({ name: "LOCAL_NATS_TEST", subjects: ["local.nats.test"] });
    await nc.close();
    await first.stop();
    assert.equal(running(first.pid), false, "nats-server still runs after stop()");
    assert.ok(readdirSync(store.path).includes("jetstream"), "JetStream wrote nothing to storeDir");

    const second = await startLocalNats({ storeDir: store.path, port });
    try {
      const nc2 = await connect({ servers: second.url });
      const info = await (await jetstreamManager(nc2)).streams.info("LOCAL_NATS_TEST");
      assert.deepEqual(info.config.subjects, ["local.nats.test"]);
      await nc2.close();
    } finally {
      await second.stop();
    }
  });

  it("picks a free port itself when given none, and names it in url", needsBinary, async () => {
    const server = await startLocalNats({ storeDir: store.path });
    try {
      assert.match(server.url, /^nats:\/\/127\.0\.0\.1:[1-9]\d*$/);
      const nc = await connect({ servers: server.url });
      await nc.flush();
      await nc.close();
    } finally {
      await server.stop();
    }
  });

  it("fails with the server's own error when the port is taken", needsBinary, async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const { port } = squatter.address() as { port: number };
    try {
      await assert.rejects(startLocalNats({ storeDir: store.path, port }), /nats-server exited[\s\S]*address already in use/);
    } finally {
      squatter.close();
    }
  });

  it("says what to install when the binary is missing", async () => {
    await assert.rejects(
      startLocalNats({ storeDir: store.path, port: await freePort(), command: "nats-server-not-installed" }),
      /nats-server-not-installed not found on PATH.*apt-get install -y nats-server/,
    );
  });
});
