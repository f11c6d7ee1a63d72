// Crash loops, missing configuration and OOM kills, each with the remediation an SRE would apply.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import type { KubeObject } from "../src/types.js";
import { podLogs } from "../src/kubelet/logs.js";
import { containerUsage } from "../src/kubelet/usage.js";
import { harness } from "./kubelet-harness.js";

const Mi = 2 ** 20;

test("CrashLoopBackOff: restart at once, then back-off 10s, 20s, 40s … with growing restart counts", () => {
  const h = harness();
  const pod = h.pod("web-abc", { annotations: { "sim.vigil.dev/crash-exit-code": "2", "sim.vigil.dev/crash-log": "panic: nil map" } });
  const uid = pod.metadata.uid!;
  // Starts at ~0.5 s, crashes one second later: terminated with reason Error, restart count still 0.
  h.advance(2);
  let s = h.status("web-abc");
  assert.equal(s.state.terminated?.reason, "Error");
  assert.equal(s.state.terminated?.exitCode, 2);
  assert.equal(s.restartCount, 0);
  assert.equal(h.get("web-abc").status!.phase, "Running");
  // The first restart is immediate (no back-off entry yet).
  h.advance(1);
  s = h.status("web-abc");
  assert.ok(s.state.running);
  assert.equal(s.restartCount, 1);
  assert.equal(s.lastState.terminated?.exitCode, 2);
  assert.equal(s.lastState.terminated?.reason, "Error");
  assert.match(String(s.lastState.terminated?.containerID), /^containerd:\/\/[0-9a-f]{64}$/);
  assert.ok(s.lastState.terminated?.startedAt && s.lastState.terminated.finishedAt);

  const backoffs: string[] = [];
  const restarts: number[] = [h.elapsed()];
  let last = 1;
  for (let i = 0; i < 700; i++) {
    h.advance(1);
    s = h.status("web-abc");
    const msg = s.state.waiting?.message as string | undefined;
    if (s.state.waiting?.reason === "CrashLoopBackOff" && backoffs[backoffs.length - 1] !== msg) backoffs.push(msg!);
    if (s.restartCount !== last) {
      assert.equal(s.restartCount, last + 1);
      last = s.restartCount;
      restarts.push(h.elapsed());
    }
  }
  assert.deepEqual(
    backoffs.map((m) => m.replace(/ restarting.*/, "")),
    ["back-off 10s", "back-off 20s", "back-off 40s", "back-off 1m20s", "back-off 2m40s", "back-off 5m0s"],
  );
  assert.equal(restarts.length, 7, "restarts at 3, 14, 35, 76, 157, 318 and 619 s");
  assert.equal(backoffs[0], `back-off 10s restarting failed container=app pod=web-abc_default(${uid})`);
  const gaps = restarts.slice(1).map((t, i) => t - restarts[i]!);
  assert.deepEqual(gaps.slice(0, 5), [11, 21, 41, 81, 161], "one second of running, then the back-off from the crash");
  assert.equal(s.lastState.terminated?.exitCode, 2);
  const backOff = h.events("web-abc").find((e) => e[0] === "BackOff")!;
  assert.equal(backOff[1], `Back-off restarting failed container app in pod web-abc_default(${uid})`);
  assert.ok(backOff[2] > 5, "the BackOff event repeats while backing off");
  const ev = h.cluster.events.about(h.get("web-abc")).find((e) => e.reason === "BackOff")!;
  assert.equal(ev.type, "Warning");
  const present = h.events("web-abc").find((e) => e[0] === "Pulled" && /already present/.test(e[1]))!;
  assert.ok(present[2] >= 5, "every restart ensures the image again");
  // The crash log is in the previous instance's logs.
  assert.match(podLogs(h.cluster, h.get("web-abc"), { previous: true }), /panic: nil map\n$/);
});

test("back-off resets after ten minutes of running fine", () => {
  const h = harness();
  h.pod("slow-1", { annotations: { "sim.vigil.dev/crash-exit-code": "1", "sim.vigil.dev/crash-after-seconds": "700" } });
  h.advance(703);
  assert.equal(h.status("slow-1").restartCount, 1, "first crash: immediate restart");
  h.advance(701);
  const s = h.status("slow-1");
  assert.equal(s.restartCount, 2, "ran > 10 min since the last back-off update: restarted at once again");
  assert.ok(s.state.running);
});

test("requires-env: exits 1 with a FATAL log line; a new pod with the variable runs", () => {
  const h = harness();
  h.pod("orders-1", { annotations: { "sim.vigil.dev/requires-env": "DATABASE_URL" } });
  h.advance(3);
  const s = h.status("orders-1");
  assert.equal(s.restartCount, 1);
  assert.equal(s.lastState.terminated?.exitCode, 1);
  assert.equal(podLogs(h.cluster, h.get("orders-1"), { previous: true }), "FATAL: missing required environment variable DATABASE_URL\n");
  h.advance(5);
  assert.equal(h.status("orders-1").state.waiting?.reason, "CrashLoopBackOff");

  h.pod("orders-2", {
    annotations: { "sim.vigil.dev/requires-env": "DATABASE_URL" },
    containers: [{ name: "app", image: "shop/orders:5.0.2", env: [{ name: "DATABASE_URL", value: "postgres://db:5432/orders" }] }],
  });
  h.advance(30);
  assert.equal(h.status("orders-2").restartCount, 0);
  assert.equal(h.status("orders-2").ready, true);
});

test("requires-env through envFrom: adding the key to the ConfigMap fixes the next restart", () => {
  const h = harness();
  h.cluster.create(R.configmaps, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "orders-config", namespace: "default" },
    data: { DATABASE_HOST: "db" },
  });
  h.pod("orders-1", {
    annotations: { "sim.vigil.dev/requires-env": "DATABASE_URL" },
    containers: [{ name: "orders", image: "shop/orders:5.0.2", envFrom: [{ configMapRef: { name: "orders-config" } }] }],
  });
  h.advance(20);
  assert.equal(h.status("orders-1", "orders").state.waiting?.reason, "CrashLoopBackOff");
  h.cluster.mutate<KubeObject>(R.configmaps, "default", "orders-config", (cm) => {
    (cm.data as Record<string, string>).DATABASE_URL = "postgres://db:5432/orders";
  });
  h.until(() => h.status("orders-1", "orders").ready, 400);
  const restarts = h.status("orders-1", "orders").restartCount;
  h.advance(60);
  assert.equal(h.status("orders-1", "orders").restartCount, restarts, "no more crashes");
});

test("CreateContainerConfigError until the ConfigMap and key exist", () => {
  const h = harness();
  h.pod("api-1", {
    containers: [
      {
        name: "app",
        image: "shop/api:2.1",
        env: [{ name: "DATABASE_URL", valueFrom: { configMapKeyRef: { name: "app-config", key: "DATABASE_URL" } } }],
      },
    ],
  });
  h.advance(2);
  let s = h.status("api-1");
  assert.deepEqual(s.state, { waiting: { reason: "CreateContainerConfigError", message: 'configmap "app-config" not found' } });
  assert.equal(h.get("api-1").status!.phase, "Pending");
  const failed = h.cluster.events.about(h.get("api-1")).find((e) => e.reason === "Failed")!;
  assert.equal(failed.message, 'Error: configmap "app-config" not found');
  assert.equal(failed.type, "Warning");
  h.advance(25);
  assert.ok(h.events("api-1").find((e) => e[0] === "Failed")![2] >= 3, "the error repeats while it lasts");

  h.cluster.create(R.configmaps, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "app-config", namespace: "default" },
    data: { OTHER: "x" },
  });
  h.advance(2);
  s = h.status("api-1");
  assert.equal(s.state.waiting?.message, "couldn't find key DATABASE_URL in ConfigMap default/app-config");
  assert.ok(h.events("api-1").some((e) => e[1] === "Error: couldn't find key DATABASE_URL in ConfigMap default/app-config"));

  h.cluster.mutate<KubeObject>(R.configmaps, "default", "app-config", (cm) => {
    (cm.data as Record<string, string>).DATABASE_URL = "postgres://db/app";
  });
  h.advance(2);
  assert.ok(h.status("api-1").state.running);
  h.advance(3);
  assert.equal(h.get("api-1").status!.phase, "Running");
  assert.equal(h.status("api-1").ready, true);
  assert.equal(h.status("api-1").restartCount, 0);
});

test("secretKeyRef and envFrom secrets resolve; a missing secret is reported as such", () => {
  const h = harness();
  h.pod("api-1", { containers: [{ name: "app", image: "shop/api:2.1", envFrom: [{ secretRef: { name: "creds" } }] }] });
  h.advance(2);
  assert.equal(h.status("api-1").state.waiting?.message, 'secret "creds" not found');
  h.cluster.create(R.secrets, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds", namespace: "default" },
    data: { TOKEN: Buffer.from("t").toString("base64") },
  });
  h.pod("api-2", {
    annotations: { "sim.vigil.dev/requires-env": "TOKEN" },
    containers: [
      { name: "app", image: "shop/api:2.1", env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "creds", key: "TOKEN" } } }] },
    ],
  });
  h.advance(5);
  assert.equal(h.status("api-1").ready, true);
  assert.equal(h.status("api-2").ready, true);
});

test("OOMKilled at start-up when the limit is below the working set; a pod with a higher limit runs", () => {
  const h = harness();
  const annotations = { "sim.vigil.dev/memory-demand": "420Mi", "sim.vigil.dev/startup-seconds": "5" };
  const container = (limit: string) => [
    { name: "api", image: "shop/payments-api:3.2.1", resources: { requests: { memory: limit }, limits: { memory: limit } } },
  ];
  h.pod("pay-1", { annotations, containers: container("256Mi") });
  h.advance(3);
  assert.equal(containerUsage(h.cluster, h.get("pay-1"), "api").memoryBytes, 256 * Mi, "usage is capped at the limit");
  h.advance(4);
  let s = h.status("pay-1", "api");
  assert.equal(s.restartCount, 1);
  assert.equal(s.lastState.terminated?.reason, "OOMKilled");
  assert.equal(s.lastState.terminated?.exitCode, 137);
  assert.equal(podLogs(h.cluster, h.get("pay-1"), { previous: true }), "allocating 420Mi for the working set\n");
  h.advance(10);
  s = h.status("pay-1", "api");
  assert.equal(s.state.waiting?.reason, "CrashLoopBackOff");
  assert.equal(s.lastState.terminated?.reason, "OOMKilled");
  assert.equal(h.condition("pay-1", "Ready")!.status, "False");

  h.pod("pay-2", { annotations, containers: container("768Mi") });
  h.advance(60);
  s = h.status("pay-2", "api");
  assert.equal(s.restartCount, 0);
  assert.equal(s.ready, true);
  assert.equal(containerUsage(h.cluster, h.get("pay-2"), "api").memoryBytes, 420 * Mi);
});

test("a leak grows usage until the limit, then OOMKilled; without a limit it keeps growing", () => {
  const h = harness();
  const annotations = { "sim.vigil.dev/memory-demand": "100Mi", "sim.vigil.dev/memory-leak": "60Mi/min" };
  h.pod("leaky-1", { annotations, containers: [{ name: "app", image: "shop/cache:1.0", resources: { limits: { memory: "256Mi" } } }] });
  h.pod("leaky-2", { annotations, containers: [{ name: "app", image: "shop/cache:1.0" }] });
  h.advance(61);
  const started = Date.parse(String(h.status("leaky-1").state.running!.startedAt));
  const usage = containerUsage(h.cluster, h.get("leaky-1"), "app").memoryBytes;
  assert.ok(
    Math.abs(usage - (100 + 60 * ((h.clock.now() - started) / 60_000)) * Mi) < 2 * Mi,
    `~160Mi after a minute, got ${usage / Mi}Mi`,
  );
  // (256 - 100) / 60 per minute = 2.6 min after start.
  const took = h.until(() => h.status("leaky-1").restartCount === 1, 200);
  assert.ok(h.elapsed() >= 156 && h.elapsed() <= 159, `OOM-killed at ${h.elapsed()}s (${took}s after the first minute)`);
  const s = h.status("leaky-1");
  assert.deepEqual([s.lastState.terminated?.reason, s.lastState.terminated?.exitCode], ["OOMKilled", 137]);
  assert.equal(podLogs(h.cluster, h.get("leaky-1"), { previous: true }), "app started\n", "a leaking app just stops");
  assert.equal(h.status("leaky-2").restartCount, 0);
  assert.ok(containerUsage(h.cluster, h.get("leaky-2"), "app").memoryBytes > 250 * Mi);
});
