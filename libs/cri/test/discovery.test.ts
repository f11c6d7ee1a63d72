import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { CriClient, discoverRuntime, parseEndpoint, RUNTIME_SOCKETS } from "../src/index.js";
import { FakeRuntime } from "../src/testing/index.js";

describe("runtime socket discovery under a host root", () => {
  let root: string;
  const servers: Server[] = [];
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "vigil-host-"));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    await rm(root, { recursive: true, force: true });
  });

  /** A real listening unix socket at `path` under the host root. */
  async function socketAt(path: string): Promise<void> {
    const abs = join(root, path);
    await mkdir(dirname(abs), { recursive: true });
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(abs, resolve));
    servers.push(server);
  }

  it("checks containerd, then CRI-O, /run before /var/run: the same answer every time", async () => {
    assert.deepEqual(
      RUNTIME_SOCKETS.map((s) => s.path),
      ["/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock", "/run/crio/crio.sock", "/var/run/crio/crio.sock"],
    );
    // Created in reverse order, so directory order cannot be what decides.
    for (const s of [...RUNTIME_SOCKETS].reverse()) await socketAt(s.path);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await discoverRuntime({ hostRoot: root }), {
        target: `unix://${root}/run/containerd/containerd.sock`,
        path: `${root}/run/containerd/containerd.sock`,
        runtime: "containerd",
        source: "discovered",
      });
    }
    await rm(join(root, "run/containerd/containerd.sock"));
    assert.equal((await discoverRuntime({ hostRoot: root }))?.path, `${root}/var/run/containerd/containerd.sock`);
  });

  it("skips what is not a socket: a stale regular file, a directory", async () => {
    await mkdir(join(root, "run/containerd/containerd.sock"), { recursive: true });
    await mkdir(join(root, "var/run/containerd"), { recursive: true });
    await writeFile(join(root, "var/run/containerd/containerd.sock"), "");
    await socketAt("/var/run/crio/crio.sock");
    assert.deepEqual(await discoverRuntime({ hostRoot: root }), {
      target: `unix://${root}/var/run/crio/crio.sock`,
      path: `${root}/var/run/crio/crio.sock`,
      runtime: "cri-o",
      source: "discovered",
    });
  });

  it("resolves the host's absolute symlinks inside the host root, not in the collector's filesystem", async () => {
    await socketAt("/run-real/containerd/containerd.sock");
    await mkdir(join(root, "var"), { recursive: true });
    await symlink("/run-real", join(root, "var/run")); // absolute: outside the root it would dangle
    const found = await discoverRuntime({ hostRoot: root });
    assert.equal(found?.path, `${root}/run-real/containerd/containerd.sock`);
    assert.equal(found?.runtime, "containerd");
  });

  it("finds nothing on a host without a runtime", async () => {
    assert.equal(await discoverRuntime({ hostRoot: root }), undefined);
  });

  it("hands the client an endpoint it can talk to", async () => {
    await mkdir(join(root, "run/crio"), { recursive: true });
    const crio = await FakeRuntime.start({
      socketPath: join(root, "run/crio/crio.sock"),
      version: { runtime_name: "cri-o", runtime_version: "1.30.4" },
    });
    try {
      const endpoint = await discoverRuntime({ hostRoot: root });
      assert.equal(endpoint?.runtime, "cri-o");
      const client = new CriClient({ endpoint: endpoint ?? "" });
      assert.equal((await client.version()).runtime_name, "cri-o");
      client.close();
    } finally {
      await crio.close();
    }
  });

  it("uses a configured endpoint as given, without looking under the host root", async () => {
    await socketAt("/run/containerd/containerd.sock");
    assert.deepEqual(await discoverRuntime({ hostRoot: root, endpoint: "unix:///host/run/k3s/containerd/containerd.sock" }), {
      target: "unix:///host/run/k3s/containerd/containerd.sock",
      path: "/host/run/k3s/containerd/containerd.sock",
      source: "configured",
    });
  });
});

describe("parseEndpoint", () => {
  it("accepts unix URLs, bare paths and host:port", () => {
    assert.equal(parseEndpoint("unix:///run/crio/crio.sock").target, "unix:///run/crio/crio.sock");
    assert.equal(parseEndpoint("unix:/run/crio/crio.sock").path, "/run/crio/crio.sock");
    assert.equal(parseEndpoint("/run/containerd/containerd.sock").target, "unix:///run/containerd/containerd.sock");
    assert.deepEqual(parseEndpoint("127.0.0.1:7070"), { target: "127.0.0.1:7070", source: "configured" });
    assert.equal(parseEndpoint("tcp://localhost:7070").target, "localhost:7070");
    assert.throws(() => parseEndpoint("containerd"), /expected unix:\/\/\/path, \/path or host:port/);
  });
});
