// Image faults (unpullable, crash, unready, liveness), probes, image updates of a pod, and Job-style pods.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import type { Pod } from "../src/types.js";
import { harness } from "./kubelet-harness.js";

const NOT_FOUND =
  'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/shop/api:2.1-typo": failed to resolve reference "docker.io/shop/api:2.1-typo": docker.io/shop/api:2.1-typo: not found';

const setImage = (h: ReturnType<typeof harness>, name: string, image: string): void => {
  h.cluster.mutate<Pod>(R.pods, "default", name, (p) => {
    p.spec.containers[0]!.image = image;
  });
  h.cp.settle();
};

test("unpullable image: ErrImagePull, then ImagePullBackOff with growing back-off; fixing the image recovers", () => {
  const h = harness();
  h.pod("api-1", {
    annotations: { "sim.vigil.dev/image-faults": "shop/api:2.1-typo=unpullable" },
    containers: [{ name: "app", image: "shop/api:2.1-typo" }],
  });
  h.advance(1);
  let s = h.status("api-1");
  assert.deepEqual(s.state, { waiting: { reason: "ErrImagePull", message: NOT_FOUND } });
  assert.equal(s.image, "shop/api:2.1-typo");
  assert.equal(s.imageID, "");
  assert.equal(h.get("api-1").status!.phase, "Pending");
  assert.deepEqual(h.events("api-1"), [
    ["Pulling", 'Pulling image "shop/api:2.1-typo"', 1],
    ["Failed", `Failed to pull image "shop/api:2.1-typo": ${NOT_FOUND}`, 1],
    ["Failed", "Error: ErrImagePull", 1],
  ]);
  h.advance(1);
  s = h.status("api-1");
  assert.deepEqual(s.state, { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "shop/api:2.1-typo"' } });
  const backOff = h.cluster.events.about(h.get("api-1")).find((e) => e.reason === "BackOff")!;
  assert.equal(backOff.message, 'Back-off pulling image "shop/api:2.1-typo"');
  assert.equal(backOff.type, "Normal");
  assert.ok(h.events("api-1").some((e) => e[0] === "Failed" && e[1] === "Error: ImagePullBackOff"));

  // Pull attempts at 0, ~10, ~30, ~70 s: the back-off doubles.
  const pulls = (): number => h.events("api-1").find((e) => e[0] === "Pulling")![2];
  h.advance(8);
  assert.equal(pulls(), 1);
  h.advance(2);
  assert.equal(pulls(), 2);
  h.advance(19);
  assert.equal(pulls(), 2);
  h.advance(2);
  assert.equal(pulls(), 3);
  h.advance(60);
  assert.equal(pulls(), 4);

  // The pod's image is fixed: pulled at once, runs.
  setImage(h, "api-1", "shop/api:2.1");
  assert.ok(h.events("api-1").some((e) => e[1] === 'Pulling image "shop/api:2.1"'));
  h.advance(4);
  s = h.status("api-1");
  assert.ok(s.state.running);
  assert.equal(s.ready, true);
  assert.equal(s.image, "docker.io/shop/api:2.1");
  assert.equal(h.get("api-1").status!.phase, "Running");
});

test("single-name images are normalised to docker.io/library", () => {
  const h = harness();
  h.pod("web-1", {
    annotations: { "sim.vigil.dev/image-faults": "nginx:1.99=unpullable" },
    containers: [{ name: "app", image: "nginx:1.99" }],
  });
  h.advance(1);
  assert.equal(
    h.status("web-1").state.waiting?.message,
    'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found',
  );
});

test("a crashing image crash-loops with exit 1; other images of the same pod spec are fine", () => {
  const h = harness();
  const annotations = {
    "sim.vigil.dev/image-faults": "shop/web:1.7=crash",
    "sim.vigil.dev/crash-log": "TypeError: cannot read properties of undefined",
  };
  h.pod("web-1", { annotations, containers: [{ name: "app", image: "shop/web:1.7" }] });
  h.pod("web-2", { annotations, containers: [{ name: "app", image: "shop/web:1.6" }] });
  h.advance(20);
  const s = h.status("web-1");
  assert.equal(s.lastState.terminated?.exitCode, 1);
  assert.equal(s.state.waiting?.reason, "CrashLoopBackOff");
  assert.equal(h.status("web-2").restartCount, 0);
  assert.equal(h.status("web-2").ready, true);

  // Patching the running pod's image: the kubelet kills it and starts the new image without back-off.
  setImage(h, "web-1", "shop/web:1.6");
  h.advance(1);
  assert.ok(h.status("web-1").state.running);
  h.advance(60);
  const fixed = h.status("web-1");
  assert.equal(fixed.ready, true);
  const restarts = fixed.restartCount;
  h.advance(60);
  assert.equal(h.status("web-1").restartCount, restarts);
});

test("changing a running container's image: Killing, then the new image starts", () => {
  const h = harness();
  h.pod("web-1", { containers: [{ name: "app", image: "nginx:1.25" }] });
  h.advance(5);
  setImage(h, "web-1", "nginx:1.27");
  assert.ok(h.events("web-1").some((e) => e[0] === "Killing" && e[1] === "Container app definition changed, will be restarted"));
  h.advance(1);
  const s = h.status("web-1");
  assert.equal(s.image, "docker.io/library/nginx:1.27");
  assert.equal(s.restartCount, 1);
  assert.equal(s.lastState.terminated?.exitCode, 0);
});

test("unready image with a readiness probe: Running, never Ready, Unhealthy every period", () => {
  const h = harness();
  h.pod("store-1", {
    annotations: { "sim.vigil.dev/image-faults": "shop/storefront:2.4.0=unready" },
    containers: [
      {
        name: "app",
        image: "shop/storefront:2.4.0",
        ports: [{ containerPort: 8080, name: "http" }],
        readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, failureThreshold: 3 },
      },
    ],
  });
  h.advance(60);
  assert.equal(h.get("store-1").status!.phase, "Running");
  assert.equal(h.status("store-1").ready, false);
  assert.equal(h.condition("store-1", "Ready")!.status, "False");
  const unhealthy = h.cluster.events.about(h.get("store-1")).find((e) => e.reason === "Unhealthy")!;
  assert.equal(unhealthy.message, "Readiness probe failed: HTTP probe failed with statuscode: 503");
  assert.equal(unhealthy.type, "Warning");
  assert.equal((unhealthy.involvedObject as { fieldPath: string }).fieldPath, "spec.containers{app}");
  const count = Number(unhealthy.count);
  assert.ok(count >= 5 && count <= 6, `one failure per 10 s period, got ${count}`);
  h.advance(30);
  assert.equal(h.events("store-1").find((e) => e[0] === "Unhealthy")![2], count + 3);
  assert.equal(h.status("store-1").restartCount, 0, "readiness failures do not restart");
});

test("unready image without a readiness probe is ready (nothing checks it)", () => {
  const h = harness();
  h.pod("store-1", {
    annotations: { "sim.vigil.dev/image-faults": "shop/storefront:2.4.0=unready" },
    containers: [{ name: "app", image: "shop/storefront:2.4.0" }],
  });
  h.advance(5);
  assert.equal(h.status("store-1").ready, true);
});

test("exec and tcp readiness probes fail with their own messages", () => {
  const h = harness();
  const annotations = { "sim.vigil.dev/image-faults": "shop/q:1=unready" };
  h.pod("q-1", {
    annotations,
    containers: [{ name: "app", image: "shop/q:1", readinessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, periodSeconds: 5 } }],
  });
  h.pod("q-2", {
    annotations,
    containers: [{ name: "app", image: "shop/q:1", readinessProbe: { tcpSocket: { port: 6379 }, periodSeconds: 5 } }],
  });
  h.advance(12);
  assert.equal(
    h.events("q-1").find((e) => e[0] === "Unhealthy")![1],
    "Readiness probe failed: cat: can't open '/tmp/healthy': No such file or directory",
  );
  assert.equal(
    h.events("q-2").find((e) => e[0] === "Unhealthy")![1],
    `Readiness probe failed: dial tcp ${h.get("q-2").status!.podIP}:6379: connect: connection refused`,
  );
});

test("liveness failures: Unhealthy × failureThreshold, Killing, restart with exit 137, and again with back-off", () => {
  const h = harness();
  h.pod("api-1", {
    annotations: { "sim.vigil.dev/image-faults": "shop/api:3.0=liveness" },
    containers: [
      {
        name: "app",
        image: "shop/api:3.0",
        livenessProbe: { httpGet: { path: "/livez", port: 8080 }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
      },
    ],
  });
  // Started at ~0.5 s; probes fail at 15, 25 and 35 s after start; killed at the third.
  h.advance(35);
  assert.equal(h.status("api-1").restartCount, 0);
  assert.equal(h.events("api-1").find((e) => e[0] === "Unhealthy")![2], 2);
  h.advance(2);
  const s = h.status("api-1");
  assert.equal(s.restartCount, 1);
  assert.deepEqual([s.lastState.terminated?.exitCode, s.lastState.terminated?.reason], [137, "Error"]);
  assert.ok(s.state.running, "restarted at once the first time");
  const events = h.events("api-1");
  assert.deepEqual(
    events.find((e) => e[0] === "Unhealthy"),
    ["Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500", 3],
  );
  assert.deepEqual(
    events.find((e) => e[0] === "Killing"),
    ["Killing", "Container app failed liveness probe, will be restarted", 1],
  );
  h.advance(40);
  assert.equal(h.status("api-1").state.waiting?.reason, "CrashLoopBackOff", "the second kill backs off");
  h.until(() => h.status("api-1").restartCount === 2, 30);
});

test("Jobs: complete-after-seconds succeeds; a crash with restartPolicy Never fails; OnFailure restarts", () => {
  const h = harness();
  h.pod("job-ok", { restartPolicy: "Never", annotations: { "sim.vigil.dev/complete-after-seconds": "20" } });
  h.pod("job-bad", { restartPolicy: "Never", annotations: { "sim.vigil.dev/crash-exit-code": "3" } });
  h.pod("job-retry", { restartPolicy: "OnFailure", annotations: { "sim.vigil.dev/crash-exit-code": "3" } });
  h.advance(3);
  const bad = h.get("job-bad");
  assert.equal(bad.status!.phase, "Failed");
  assert.deepEqual([h.status("job-bad").state.terminated?.exitCode, h.status("job-bad").state.terminated?.reason], [3, "Error"]);
  assert.deepEqual(
    bad.status!.conditions!.map((c) => [c.type, c.status, c.reason]),
    [
      ["PodReadyToStartContainers", "False", undefined],
      ["Initialized", "True", undefined],
      ["Ready", "False", "PodFailed"],
      ["ContainersReady", "False", "PodFailed"],
      ["PodScheduled", "True", undefined],
    ],
  );
  h.advance(20);
  assert.equal(h.status("job-bad").restartCount, 0, "Never: not restarted");
  assert.equal(h.get("job-retry").status!.phase, "Running");
  assert.ok(h.status("job-retry").restartCount >= 1);
  const ok = h.get("job-ok");
  assert.equal(ok.status!.phase, "Succeeded");
  const done = h.status("job-ok");
  assert.deepEqual([done.state.terminated?.exitCode, done.state.terminated?.reason], [0, "Completed"]);
  assert.deepEqual(
    ok.status!.conditions!.map((c) => [c.type, c.status, c.reason]),
    [
      ["PodReadyToStartContainers", "False", undefined],
      ["Initialized", "True", "PodCompleted"],
      ["Ready", "False", "PodCompleted"],
      ["ContainersReady", "False", "PodCompleted"],
      ["PodScheduled", "True", undefined],
    ],
  );
  const rv = h.get("job-ok").metadata.resourceVersion;
  h.advance(10);
  assert.equal(h.get("job-ok").metadata.resourceVersion, rv, "terminal pods are left alone");
});

test("restartPolicy Never with a failing init container fails the pod", () => {
  const h = harness();
  h.pod("job-init", {
    restartPolicy: "Never",
    annotations: { "sim.vigil.dev/crash-exit-code.setup": "1" },
    initContainers: [{ name: "setup", image: "busybox:1.36" }],
    containers: [{ name: "app", image: "busybox:1.36" }],
  });
  h.advance(4);
  assert.equal(h.get("job-init").status!.phase, "Failed");
  assert.equal(h.status("job-init", "app").state.waiting?.reason, "PodInitializing");
});

test("activeDeadlineSeconds: the kubelet kills the containers and fails the pod", () => {
  const h = harness();
  h.cluster.create(R.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "batch-1", namespace: "default" },
    spec: { nodeName: "node-1", activeDeadlineSeconds: 30, containers: [{ name: "app", image: "shop/batch:1.0" }] },
  });
  h.cp.settle();
  h.advance(29);
  assert.equal(h.get("batch-1").status!.phase, "Running");
  h.advance(1);
  const pod = h.get("batch-1");
  assert.deepEqual(
    [pod.status!.phase, pod.status!.reason, pod.status!.message],
    ["Failed", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline"],
  );
  assert.deepEqual([h.status("batch-1").state.terminated?.exitCode, h.status("batch-1").state.terminated?.reason], [137, "Error"]);
  assert.ok(h.events("batch-1").some((e) => e[0] === "DeadlineExceeded"));
});

test("terminationMessagePolicy FallbackToLogsOnError: the crash log becomes the termination message", () => {
  const h = harness();
  h.pod("api-1", {
    annotations: { "sim.vigil.dev/crash-exit-code": "1", "sim.vigil.dev/crash-log": "Error: connect ECONNREFUSED 10.96.0.20:5432" },
    containers: [{ name: "app", image: "shop/api:2.1", terminationMessagePolicy: "FallbackToLogsOnError" }],
  });
  h.advance(3);
  assert.equal(h.status("api-1").lastState.terminated?.message, "Error: connect ECONNREFUSED 10.96.0.20:5432\n");
});
