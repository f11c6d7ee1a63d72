// Real kernel: container-shaped cgroup directories give container_start / container_exit once, with
// the path relative to the hierarchy root; other cgroups give nothing.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { waitFor } from "@vigil/testing";
import { TracerSupervisor } from "../src/index.js";
import { createContainerCgroup, removeCgroupDir } from "../src/testing/index.js";
import { bpfSkipReason, collector, silentLog } from "./fixtures.js";

for (const driver of ["cgroupfs", "systemd"] as const) {
  test(`cgroup tracer (${driver} layout): container_start on mkdir, container_exit on rmdir, once across hierarchies`, async (t) => {
    const skip = await bpfSkipReason();
    if (skip) return t.skip(skip);
    const sink = collector();
    const supervisor = new TracerSupervisor({ tracers: ["cgroup"], log: silentLog, onEvent: sink.onEvent });
    t.after(() => supervisor.stop());
    await supervisor.start();
    assert.equal(supervisor.status()[0]?.state, "running", JSON.stringify(supervisor.status()));

    const cg = await createContainerCgroup({ driver });
    t.after(() => cg.remove());
    // Not containers: a systemd-like service and a bare directory next to the pod.
    const others = cg.mountPoints.map((m) => join(m, cg.topPath, "system.slice", "vigil-test.service"));
    for (const dir of others) await mkdir(dir, { recursive: true });
    const mine = () => sink.events.filter((c) => c.event.cgroup_path?.startsWith(`${cg.topPath}/`));

    const start = await waitFor(() => mine().find((c) => c.event.type === "container_start"), {
      timeoutMs: 2000,
      message: "no container_start",
    });
    assert.equal(start.event.type, "container_start");
    assert.equal(start.event.cgroup_path, cg.relativePath);
    assert.equal(start.event.container_id, cg.containerId);
    assert.equal(start.event.pod_uid, cg.podUid);

    for (const dir of others) await removeCgroupDir(dir);
    await cg.remove();
    const exit = await waitFor(() => mine().find((c) => c.event.type === "container_exit"), {
      timeoutMs: 2000,
      message: "no container_exit",
    });
    assert.equal(exit.event.cgroup_path, cg.relativePath);
    assert.equal(exit.event.container_id, cg.containerId);

    // Proves nothing happens: stragglers from the other hierarchies get 300 ms to arrive; none may.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      mine().map((c) => [c.event.type, c.event.cgroup_path]),
      [
        ["container_start", cg.relativePath],
        ["container_exit", cg.relativePath],
      ],
      `created in ${cg.mountPoints.length} hierarchies: ${cg.mountPoints.join(", ")}`,
    );
  });
}
