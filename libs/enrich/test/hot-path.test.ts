// The cost of enrich() on the hot path, with a node's worth of pods indexed. Printed, not asserted: the
// numbers depend on the machine; ebpf-ingest's bench asserts the throughput that matters.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { KubeSim } from "@vigil/kube-sim";
import { parseCgroupPath } from "@vigil/procfs";
import { Enricher } from "../src/index.js";
import { silentLog } from "./helpers.js";

const PODS = 110; // kubelet's default max pods per node
const N = 200_000;

function time(label: string, fn: (i: number) => unknown): number {
  for (let i = 0; i < 10_000; i++) fn(i); // warm up the JIT
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const us = Number(process.hrtime.bigint() - started) / 1000 / N;
  console.log(`  ${label}: ${us.toFixed(3)} µs per call (${Math.round(1e6 / us).toLocaleString("en")} /s)`);
  return us;
}

describe("hot path", () => {
  it("enrich() with cached parses and a node's pods indexed from the API", async () => {
    const sim = await KubeSim.start();
    sim.load([
      { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, status: { capacity: { cpu: "64", memory: "256Gi", pods: "200" } } },
    ]);
    sim.load(
      Array.from({ length: PODS }, (_, p) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `pod-${p}`, namespace: "default" },
        spec: {
          nodeName: "n1",
          containers: [0, 1].map((c) => ({ name: `c${c}`, image: "nginx:1.27", resources: { requests: { cpu: "10m", memory: "16Mi" } } })),
        },
      })),
    );
    await sim.advance("30s");
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    const enricher = new Enricher({ node: "n1", kubeConfig: kc, log: silentLog });
    try {
      await enricher.start();
      assert.equal(enricher.status().kubernetes?.containers, PODS * 2);
      const pods = sim.list("Pod", "default") as unknown as V1Pod[];
      const paths = pods.flatMap((pod) =>
        pod.status!.containerStatuses!.map(
          (s) =>
            `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${pod.metadata!.uid!.replaceAll("-", "_")}.slice/cri-containerd-${s.containerID!.slice("containerd://".length)}.scope`,
        ),
      );
      const sample = enricher.enrich({ cgroupPath: paths[0]! });
      assert.equal(sample.source, "kubernetes");
      assert.ok(sample.container?.name);

      const hit = time("enrich, cgroup path cached, names from the index", (i) =>
        enricher.enrich({ cgroupPath: paths[i % paths.length]! }),
      );
      time("enrich, container id only", (i) => enricher.enrich({ containerId: paths[i % paths.length]!.slice(-70, -6) }));
      time("parseCgroupPath uncached (first sight of a path)", (i) => parseCgroupPath(paths[i % paths.length]!));
      assert.ok(hit < 50, `a cache hit costs ${hit} µs: something is badly wrong`);
    } finally {
      await enricher.stop();
      await sim.stop();
    }
  });

  it("enrich() with a pid only: a bounded /proc read, then the pid memo", async () => {
    const hostRoot = await mkdtemp(join(tmpdir(), "vigil-enrich-bench-"));
    try {
      const uid = randomUUID();
      for (let pid = 1; pid <= 100; pid++) {
        await mkdir(join(hostRoot, "proc", String(pid)), { recursive: true });
        await writeFile(
          join(hostRoot, "proc", String(pid), "cgroup"),
          `0::/kubepods.slice/kubepods-pod${uid.replaceAll("-", "_")}.slice/cri-containerd-${randomBytes(32).toString("hex")}.scope\n`,
        );
      }
      const memo = new Enricher({ node: "n1", hostRoot, log: silentLog });
      time("enrich, pid memoised", (i) => memo.enrich({ pid: 1 + (i % 100) }));
      const reads = new Enricher({ node: "n1", hostRoot, log: silentLog, pidTtlMs: 0 });
      time("enrich, pid read from /proc each time", (i) => reads.enrich({ pid: 1 + (i % 100) }));
      assert.equal(reads.enrich({ pid: 1 }).pod?.uid, uid);
    } finally {
      await rm(hostRoot, { recursive: true, force: true });
    }
  });
});
