import { test } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { analysisContextFor, findingsFor } from "./analysis-helpers.js";
test("find", async () => {
  for (const name of (process.env.SCEN ?? "healthy").split(",")) {
    const sim = await KubeSim.start({ scenario: name, clock: "virtual" });
    const h = await analysisContextFor(sim);
    if (process.env.ADV) await h.advance(process.env.ADV);
    const ctx = h.ctx();
    console.log("=====", name);
    for (const k of ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"] as const)
      for (const o of h.cache.store(k).list())
        for (const f of findingsFor(o, ctx)) console.log(`${f.code} ${f.severity} [${f.analyzer}] ${JSON.stringify(f.resource)}\n   S: ${f.summary}\n   D: ${f.detail}\n   H: ${JSON.stringify(f.hypotheses)}\n   E: ${f.evidence.map((e) => e.kind + ":" + e.summary).join(" || ")}`);
    await h.stop();
    await sim.stop();
  }
});
