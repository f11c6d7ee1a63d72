import { test } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { analysisContextFor } from "./analysis-helpers.js";
test("ev", async () => {
  const sim = await KubeSim.start({ scenario: "healthy", clock: "virtual" });
  const h = await analysisContextFor(sim);
  sim.load([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "slowstart", namespace: "shop" }, spec: { replicas: 1, selector: { matchLabels: { app: "slowstart" } }, template: { metadata: { labels: { app: "slowstart" }, annotations: { "sim.vigil.dev/startup-seconds": "40" } }, spec: { containers: [{ name: "app", image: "nginx:1.27", readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 5 } }] } } } } as never]);
  for (let i = 0; i < 4; i++) {
    await h.advance("15s");
    const p = h.cache.store("Pod").list({ namespace: "shop", labelSelector: { app: "slowstart" } })[0];
    console.log(JSON.stringify(p?.status?.containerStatuses), p && h.cache.eventsFor({ kind: "Pod", namespace: "shop", name: p.metadata!.name!, uid: p.metadata!.uid }).map((e) => `${e.reason} ${e.message} ${e.involvedObject?.fieldPath}`));
  }
  await h.stop(); await sim.stop();
});
