import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { loadKubeConfig } from "../src/index.js";

describe("loadKubeConfig", () => {
  let dir: string;
  const saved = { ...process.env };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-enrich-kc-"));
    // Each test file runs in its own process: changing the environment here touches nothing else.
    process.env.HOME = dir;
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
  });
  after(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it("nothing configured: no API access, rather than localhost:8080", () => {
    assert.equal(loadKubeConfig(), undefined);
  });

  it("KUBECONFIG names the cluster", async () => {
    const sim = await KubeSim.start();
    try {
      const path = join(dir, "kubeconfig");
      await writeFile(path, sim.kubeconfig());
      process.env.KUBECONFIG = path;
      assert.equal(loadKubeConfig()?.getCurrentCluster()?.server, sim.url);
    } finally {
      delete process.env.KUBECONFIG;
      await sim.stop();
    }
  });
});
