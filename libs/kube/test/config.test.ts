import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { KubeClient, findKubeConfig, kubeConfigFromFile, kubeConfigFromUrl, loadKubeConfig } from "../src/index.js";

describe("kubeconfig", () => {
  let dir: string;
  let sim: KubeSim;
  const saved = { ...process.env };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-kube-kc-"));
    sim = await KubeSim.start();
    // Each test file runs in its own process: changing the environment here touches nothing else.
    process.env.HOME = dir;
    delete process.env.KUBECONFIG;
    delete process.env.KUBERNETES_SERVICE_HOST;
  });
  after(async () => {
    process.env = saved;
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("nothing configured: no API access, with the reason, rather than localhost:8080", () => {
    assert.equal(loadKubeConfig(), undefined);
    const found = findKubeConfig();
    assert.equal(found.kubeConfig, undefined);
    assert.ok(!found.kubeConfig && /KUBECONFIG is unset, .*\.kube\/config does not exist, and this is not a pod/.test(found.reason));
  });

  it("KUBECONFIG names the cluster", async () => {
    const path = join(dir, "kubeconfig");
    await sim.writeKubeconfig(path);
    process.env.KUBECONFIG = path;
    try {
      assert.equal(loadKubeConfig()?.getCurrentCluster()?.server, sim.url);
      const found = findKubeConfig();
      assert.ok(found.kubeConfig && found.source === "KUBECONFIG" && found.server === sim.url);
    } finally {
      delete process.env.KUBECONFIG;
    }
  });

  it("~/.kube/config when KUBECONFIG is unset", async () => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(dir, ".kube"));
    await writeFile(join(dir, ".kube", "config"), sim.kubeconfig());
    const found = findKubeConfig();
    assert.ok(found.kubeConfig && found.source === "home" && found.server === sim.url);
  });

  it("from a file or a URL, usable by a client", async () => {
    const path = join(dir, "explicit");
    await sim.writeKubeconfig(path);
    for (const kc of [kubeConfigFromFile(path), kubeConfigFromUrl(sim.url)]) {
      const ns = await new KubeClient(kc).get({ kind: "Namespace", name: "default" });
      assert.equal(ns.metadata?.name, "default");
    }
    await writeFile(join(dir, "empty"), "apiVersion: v1\nkind: Config\n");
    assert.throws(() => kubeConfigFromFile(join(dir, "empty")), /no current context/);
  });
});
