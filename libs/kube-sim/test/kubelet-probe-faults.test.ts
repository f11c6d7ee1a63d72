// Probes that fail because of how the app behaves under its spec, not because of a faulty image: a slow start that
// outlasts the liveness (or startup) probe, and a CPU-throttled app that answers slower than the probe's timeout.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Container } from "../src/types.js";
import { harness } from "./kubelet-harness.js";

const slowApp = { "sim.vigil.dev/startup-seconds": "75" };
const http = (path: string) => ({ httpGet: { path, port: 8080 } });

const app = (probes: Partial<Container>): Container[] => [{ name: "app", image: "shop/inventory:2.3.0", ...probes }];

test("a liveness probe kills an app still starting: connection refused × failureThreshold, then Killing and a restart", () => {
  const h = harness();
  h.pod("inv-1", {
    annotations: slowApp,
    containers: app({ livenessProbe: { ...http("/live"), initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 3 } }),
  });
  h.until(() => h.status("inv-1").restartCount === 1, 120);
  const ip = h.get("inv-1").status!.podIP;
  const events = h.events("inv-1");
  assert.deepEqual(
    events.find((e) => e[0] === "Unhealthy"),
    ["Unhealthy", `Liveness probe failed: Get "http://${ip}:8080/live": dial tcp ${ip}:8080: connect: connection refused`, 3],
  );
  assert.deepEqual(
    events.find((e) => e[0] === "Killing"),
    ["Killing", "Container app failed liveness probe, will be restarted", 1],
  );
  const last = h.status("inv-1").lastState.terminated!;
  assert.equal(last.exitCode, 137);
  assert.equal((Date.parse(String(last.finishedAt)) - Date.parse(String(last.startedAt))) / 1000, 50, "20 s delay + 3 × 10 s");
  assert.equal(h.condition("inv-1", "Ready")?.status, "False");
});

test("a liveness probe that allows for the start-up time never fires", () => {
  const h = harness();
  h.pod("inv-1", {
    annotations: slowApp,
    containers: app({ livenessProbe: { ...http("/live"), initialDelaySeconds: 60, periodSeconds: 10, failureThreshold: 3 } }),
  });
  h.advance(300);
  assert.equal(h.status("inv-1").restartCount, 0);
  assert.equal(h.condition("inv-1", "Ready")?.status, "True");
  assert.equal(h.events("inv-1").filter((e) => e[0] === "Unhealthy" || e[0] === "Killing").length, 0);
});

test("a startup probe holds the liveness probe back; one too short kills the app itself", () => {
  const h = harness();
  const liveness = { ...http("/live"), initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 3 };
  h.pod("long-1", {
    annotations: slowApp,
    containers: app({ livenessProbe: liveness, startupProbe: { ...http("/live"), failureThreshold: 30 } }),
  });
  h.pod("short-1", {
    annotations: slowApp,
    containers: app({ livenessProbe: liveness, startupProbe: { ...http("/live"), failureThreshold: 5 } }),
  });
  h.advance(300);
  assert.equal(h.status("long-1").restartCount, 0);
  assert.equal(h.status("long-1").started, true);
  assert.equal(h.condition("long-1", "Ready")?.status, "True");
  assert.ok(h.status("short-1").restartCount >= 2, "killed after 5 × 10 s, before its 75 s start-up");
  const ip = h.get("short-1").status!.podIP;
  const events = h.events("short-1");
  assert.deepEqual(
    events.find((e) => e[0] === "Unhealthy")?.[1],
    `Startup probe failed: Get "http://${ip}:8080/live": dial tcp ${ip}:8080: connect: connection refused`,
  );
  assert.equal(events.find((e) => e[0] === "Killing")?.[1], "Container app failed startup probe, will be restarted");
});

test("a CPU-throttled app times out its readiness probe; without the throttling it is ready", () => {
  const h = harness();
  const throttled = { "sim.vigil.dev/cpu-demand": "900m", "sim.vigil.dev/response-ms": "300" };
  const readinessProbe = { ...http("/healthz"), timeoutSeconds: 1 };
  h.pod("pricing-1", { annotations: throttled, containers: app({ readinessProbe, resources: { limits: { cpu: "200m" } } }) });
  h.pod("pricing-2", { annotations: throttled, containers: app({ readinessProbe, resources: { limits: { cpu: "1500m" } } }) });
  h.pod("pricing-3", { annotations: throttled, containers: app({ readinessProbe }) });
  h.pod("pricing-4", {
    annotations: throttled,
    containers: app({ readinessProbe: { ...readinessProbe, timeoutSeconds: 2 }, resources: { limits: { cpu: "200m" } } }),
  });
  h.advance(60);
  assert.equal(h.condition("pricing-1", "Ready")?.status, "False");
  const ip = h.get("pricing-1").status!.podIP;
  const unhealthy = h.events("pricing-1").find((e) => e[0] === "Unhealthy")!;
  assert.equal(
    unhealthy[1],
    `Readiness probe failed: Get "http://${ip}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
  );
  assert.ok(unhealthy[2] >= 4, "every period");
  assert.equal(h.status("pricing-1").restartCount, 0, "readiness failures never restart a container");
  for (const ready of ["pricing-2", "pricing-3", "pricing-4"]) {
    assert.equal(h.condition(ready, "Ready")?.status, "True", `${ready}: a higher limit, no limit, or a longer timeout`);
    assert.equal(h.events(ready).filter((e) => e[0] === "Unhealthy").length, 0);
  }
});
