// enable_debug_mode against the simulator: the variable set on the named container (the pods roll with it), a
// revert scheduled after durationMinutes that restores the old value, its valueFrom, or its absence; a dry run
// that stores nothing; refusals (same value, unknown container); a revert that leaves a variable changed since alone.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@vigil/testing";
import { ActionFailure } from "../src/index.js";
import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

/** What the simulator's objects always carry. */
type Typed = { apiVersion: string; kind: string };

type Env = { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } };
type Workload = Typed & {
  metadata: { resourceVersion: string };
  spec: { template: { spec: { containers: { name: string; env?: Env[] }[] } } };
};
type Pod = Typed & {
  metadata: { labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: { name: string; env?: Env[] }[] };
  status?: { phase?: string };
};

const manifests = `
apiVersion: v1
kind: ConfigMap
metadata: { name: worker-config, namespace: jobs }
data: { level: warn }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: jobs }
spec:
  replicas: 2
  selector: { matchLabels: { app: worker } }
  template:
    metadata: { labels: { app: worker } }
    spec:
      containers:
        - name: worker
          image: jobs/worker:1.0
          env:
            - { name: MODE, value: batch }
            - { name: LOG_LEVEL, value: info }
            - { name: TRACE, valueFrom: { configMapKeyRef: { name: worker-config, key: level } } }
        - { name: sidecar, image: jobs/sidecar:1.0 }
`;

const worker = { kind: "Deployment", name: "worker", namespace: "jobs" };
const envOf = (h: ActionHarness, container: string) =>
  h.sim.get<Workload>("Deployment", "worker", "jobs")!.spec.template.spec.containers.find((c) => c.name === container)?.env ?? [];

describe("enable_debug_mode", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "healthy", manifests });
  });
  after(() => h.stop());

  it("dry run: nothing stored", async () => {
    const rv = h.sim.get<Workload>("Deployment", "worker", "jobs")!.metadata.resourceVersion;
    const run = await h.run("enable_debug_mode", worker, { container: "worker" }, { dryRun: true });
    assert.deepEqual(run.applied.after, { "spec.template.spec.containers[worker].env[LOG_LEVEL]": "debug" });
    assert.equal(h.sim.get<Workload>("Deployment", "worker", "jobs")!.metadata.resourceVersion, rv);
    assert.equal(envOf(h, "worker").find((e) => e.name === "LOG_LEVEL")?.value, "info");
  });

  it("sets LOG_LEVEL=debug live (new pods get it), with the revert scheduled after durationMinutes; the revert restores info", async () => {
    const run = await h.run("enable_debug_mode", worker, { container: "worker", durationMinutes: 15 });
    assert.equal(run.plan.revertAfterMs, 15 * 60_000);
    assert.match(run.plan.summary, /^set LOG_LEVEL="debug" on container worker of Deployment jobs\/worker for 15 min \(now "info"/);
    assert.deepEqual(run.plan.before, { "spec.template.spec.containers[worker].env[LOG_LEVEL]": "info" });
    assert.deepEqual(run.applied.after, { "spec.template.spec.containers[worker].env[LOG_LEVEL]": "debug" });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.deepEqual(run.plan.consequences.writes?.[0]?.fields, [
      ["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"worker"}', "f:env", 'k:{"name":"LOG_LEVEL"}'],
    ]);
    assert.deepEqual(
      envOf(h, "worker").map((e) => e.name),
      ["MODE", "LOG_LEVEL", "TRACE"],
      "merged by name: the other variables stay",
    );
    await waitFor(
      async () => {
        await h.sim.advance("5s");
        const pods = h.sim
          .list<Pod>("Pod", "jobs")
          .filter((p) => p.metadata.labels?.["app"] === "worker" && !p.metadata.deletionTimestamp && p.status?.phase === "Running");
        return pods.length === 2 && pods.every((p) => p.spec.containers[0]?.env?.find((e) => e.name === "LOG_LEVEL")?.value === "debug");
      },
      { message: "worker pods running with LOG_LEVEL=debug" },
    );
    await assert.rejects(
      h.plan("enable_debug_mode", worker, { container: "worker" }),
      refusal(/LOG_LEVEL is already "debug" on container worker of Deployment jobs\/worker/),
    );

    assert.deepEqual(await h.revert(run.plan), { "spec.template.spec.containers[worker].env[LOG_LEVEL]": "info" });
    assert.equal(envOf(h, "worker").find((e) => e.name === "LOG_LEVEL")?.value, "info");
  });

  it("a variable that was absent is deleted again by the revert ($patch: delete)", async () => {
    const run = await h.run("enable_debug_mode", worker, {
      container: "sidecar",
      variable: "RUST_LOG",
      value: "trace",
      durationMinutes: 5,
    });
    assert.deepEqual(run.plan.before, { "spec.template.spec.containers[sidecar].env[RUST_LOG]": null });
    assert.deepEqual(envOf(h, "sidecar"), [{ name: "RUST_LOG", value: "trace" }]);
    assert.deepEqual(await h.revert(run.plan), { "spec.template.spec.containers[sidecar].env[RUST_LOG]": null });
    assert.deepEqual(envOf(h, "sidecar"), []);
  });

  it("a variable set from a ConfigMap gets a plain value, and its valueFrom back on revert", async () => {
    const run = await h.run("enable_debug_mode", worker, { container: "worker", variable: "TRACE", value: "on" });
    assert.deepEqual(run.plan.before, {
      "spec.template.spec.containers[worker].env[TRACE]": { valueFrom: { configMapKeyRef: { name: "worker-config", key: "level" } } },
    });
    assert.deepEqual(
      envOf(h, "worker").find((e) => e.name === "TRACE"),
      { name: "TRACE", value: "on" },
    );
    await h.revert(run.plan);
    assert.deepEqual(
      envOf(h, "worker").find((e) => e.name === "TRACE"),
      { name: "TRACE", valueFrom: { configMapKeyRef: { name: "worker-config", key: "level" } } },
    );
  });

  it("the revert leaves alone a variable someone changed since", async () => {
    const run = await h.run("enable_debug_mode", worker, { container: "worker", variable: "MODE", value: "debug" });
    h.sim.patch(
      "Deployment",
      "worker",
      { spec: { template: { spec: { containers: [{ name: "worker", env: [{ name: "MODE", value: "stream" }] }] } } } },
      { namespace: "jobs" },
    );
    await assert.rejects(h.revert(run.plan), (err: unknown) => {
      assert.ok(err instanceof ActionFailure);
      assert.match(
        err.message,
        /MODE on container worker of Deployment jobs\/worker was changed since debug mode was enabled \(now "stream"\): left as it is/,
      );
      return true;
    });
    assert.equal(envOf(h, "worker").find((e) => e.name === "MODE")?.value, "stream");
  });

  it("refuses a container that does not exist", async () => {
    await assert.rejects(
      h.plan("enable_debug_mode", worker, { container: "app" }),
      refusal(/has no container named "app" \(its containers: worker, sidecar\)/),
    );
  });
});
