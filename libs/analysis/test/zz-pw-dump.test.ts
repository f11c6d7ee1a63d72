import { test } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { analysisContextFor } from "./analysis-helpers.js";
test("dump", async () => {
  const name = process.env.SCEN ?? "healthy";
  const t0 = Date.now();
  const sim = await KubeSim.start({ scenario: name, clock: "virtual" });
  const t1 = Date.now();
  const h = await analysisContextFor(sim);
  const t2 = Date.now();
  const out: Record<string, unknown> = { loadMs: t1 - t0, syncMs: t2 - t1, now: new Date(h.ctx().now).toISOString(), simNow: new Date(sim.clock.now()).toISOString() };
  for (const k of ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Node"] as const) {
    out[k] = h.cache.store(k).list().filter((o) => !["kube-system"].includes(o.metadata?.namespace ?? "") || k !== "Pod").map((o) => ({ meta: { name: o.metadata?.name, ns: o.metadata?.namespace, deletionTimestamp: o.metadata?.deletionTimestamp, owner: o.metadata?.ownerReferences?.[0]?.name }, spec: k === "Pod" || k === "Node" ? undefined : { replicas: (o as any).spec?.replicas, paused: (o as any).spec?.paused, suspend: (o as any).spec?.suspend, schedule: (o as any).spec?.schedule, concurrencyPolicy: (o as any).spec?.concurrencyPolicy }, status: (o as any).status }));
  }
  out.events = h.cache.store("Event").list().map((e) => `${e.involvedObject?.kind}/${e.involvedObject?.name} ${e.type} ${e.reason} x${e.count} last=${e.lastTimestamp?.toISOString?.()} :: ${e.message}`);
  const fs = await import("node:fs");
  fs.writeFileSync(`/tmp/pw/${name}.json`, JSON.stringify(out, null, 1));
  await h.stop();
  await sim.stop();
});
