// Graceful deletion end to end, with real kubectl: deletionTimestamp and the grace period, Terminating, the
// kubelet's Killing event, preStop, the kill at the deadline, force delete, eviction, finalizers, and controllers
// replacing terminating pods at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeSim } from "../src/index.js";
import { R } from "../src/api/resources.js";
import type { KubeObject, Pod } from "../src/types.js";
import { kubectlFor, kubectlMissing } from "./kubectl-helpers.js";
import { apiError, clientsFor, deployment, nodes, startSim } from "./sim-helpers.js";

const podManifest = (name: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", labels: { app: name }, annotations },
  spec: { containers: [{ name: "app", image: "nginx:1.27" }], ...spec },
});

const withSim = async (body: (sim: KubeSim) => Promise<void>): Promise<void> => {
  const sim = await startSim();
  try {
    sim.load(nodes(2));
    await body(sim);
  } finally {
    await sim.stop();
  }
};

const pod = (sim: KubeSim, name: string): Pod | undefined => sim.get<Pod>("Pod", name);
const running = (sim: KubeSim, name: string): boolean => pod(sim, name)?.status?.phase === "Running";

/** Every stored version of a pod since a resourceVersion (what a watch would have delivered). */
const history = (sim: KubeSim, since: number, name: string): Pod[] =>
  (sim.store.eventsSince(R.pods, since) ?? []).filter((e) => e.object.metadata.name === name).map((e) => e.object as Pod);

test("kubectl delete: Terminating for the preStop hook's time, a Killing event, then gone", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  await withSim(async (sim) => {
    const kubectl = await kubectlFor(sim);
    try {
      sim.load([
        podManifest("web", {
          containers: [{ name: "app", image: "nginx:1.27", lifecycle: { preStop: { exec: { command: ["sh", "-c", "sleep 5"] } } } }],
        }),
      ]);
      await sim.advance("10s");
      assert.ok(running(sim, "web"));

      await kubectl("delete", "pod", "web", "--wait=false");
      const deleting = pod(sim, "web")!;
      assert.ok(deleting.metadata.deletionTimestamp, "deletionTimestamp set");
      assert.equal(deleting.metadata.deletionGracePeriodSeconds, 30, "spec.terminationGracePeriodSeconds defaults to 30");
      assert.equal(Date.parse(deleting.metadata.deletionTimestamp), Math.floor(sim.clock.now() / 1000) * 1000 + 30_000);
      assert.match(await kubectl("get", "pod", "web", "--no-headers"), /^web\s+1\/1\s+Terminating\s/);

      const killing = sim.events(deleting).filter((e) => e.reason === "Killing");
      assert.equal(killing.length, 1);
      assert.equal(killing[0]!.message, "Stopping container app");
      assert.deepEqual(killing[0]!.source, { component: "kubelet", host: deleting.spec.nodeName });

      await sim.advance("4s");
      assert.ok(pod(sim, "web"), "the preStop hook still runs");
      await sim.advance("2s");
      assert.equal(pod(sim, "web"), undefined, "the kubelet confirmed the deletion once the container stopped");
    } finally {
      await kubectl.close();
    }
  });
});

test("the kubelet kills an app that outlives the grace period with exit 137; a healthy app goes at once", async () => {
  await withSim(async (sim) => {
    sim.load([
      podManifest("slow", { terminationGracePeriodSeconds: 10 }, { "sim.vigil.dev/shutdown-seconds": "60" }),
      podManifest("quick"),
    ]);
    await sim.advance("10s");
    const rv = sim.store.resourceVersion;
    sim.delete("Pod", "quick");
    assert.equal(pod(sim, "quick"), undefined, "no preStop and a prompt exit: the kubelet confirms in the same instant");
    const final = history(sim, rv, "quick").at(-2)!;
    assert.equal(final.status?.phase, "Succeeded");
    assert.equal(final.status?.containerStatuses?.[0]?.state.terminated?.["exitCode"], 0);

    sim.delete("Pod", "slow");
    assert.equal(pod(sim, "slow")?.metadata.deletionGracePeriodSeconds, 10);
    await sim.advance("9s");
    assert.ok(pod(sim, "slow"), "still shutting down within its grace period");
    const before = sim.store.resourceVersion;
    await sim.advance("2s");
    assert.equal(pod(sim, "slow"), undefined);
    const killed = history(sim, before, "slow").find((p) => p.status?.containerStatuses?.[0]?.state.terminated);
    assert.equal(killed?.status?.containerStatuses?.[0]?.state.terminated?.["exitCode"], 137);
    assert.equal(killed?.status?.phase, "Failed");
  });
});

test("force delete (--grace-period=0 --force) removes a pod at once, even on a node whose kubelet is gone", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  await withSim(async (sim) => {
    const kubectl = await kubectlFor(sim);
    try {
      sim.load([podManifest("web", { nodeName: "worker-1" })]);
      await sim.advance("10s");
      sim.stopKubelet("worker-1");
      await kubectl("delete", "pod", "web", "--wait=false");
      await sim.advance("2m");
      assert.ok(pod(sim, "web")?.metadata.deletionTimestamp, "nobody confirms: Terminating for good");
      assert.match(await kubectl("get", "pod", "web", "--no-headers"), /\sTerminating\s/);

      const err = await kubectl("delete", "pod", "web", "--grace-period=0", "--force");
      assert.match(err, /pod "web" force deleted/);
      assert.equal(pod(sim, "web"), undefined);
    } finally {
      await kubectl.close();
    }
  });
});

test("eviction is graceful, and a ReplicaSet replaces a terminating pod at once", async () => {
  await withSim(async (sim) => {
    sim.load([
      deployment("api", {
        replicas: 2,
        annotations: { "sim.vigil.dev/shutdown-seconds": "20" },
      }),
    ]);
    await sim.advance("20s");
    const victim = sim.list<Pod>("Pod", "default")[0]!;
    const { core } = clientsFor(sim);
    await core.createNamespacedPodEviction({
      name: victim.metadata.name!,
      namespace: "default",
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: victim.metadata.name!, namespace: "default" } },
    });
    sim.settle();
    assert.ok(pod(sim, victim.metadata.name!)?.metadata.deletionTimestamp, "evicted pods terminate gracefully");
    const pods = sim.list<Pod>("Pod", "default");
    assert.equal(pods.length, 3, "the replacement exists while the evicted pod terminates");
    assert.equal(pods.filter((p) => !p.metadata.deletionTimestamp).length, 2);
    await sim.advance("21s");
    assert.equal(pod(sim, victim.metadata.name!), undefined);
    assert.equal(sim.list<Pod>("Pod", "default").length, 2);
  });
});

test("finalizers hold a deletion; removing the last one completes it; none may be added meanwhile", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  await withSim(async (sim) => {
    const kubectl = await kubectlFor(sim);
    try {
      sim.load([
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "held", namespace: "default", finalizers: ["example.com/hold"] },
          data: {},
        },
      ]);
      await kubectl("delete", "configmap", "held", "--wait=false");
      const held = sim.get("ConfigMap", "held")!;
      assert.ok(held.metadata.deletionTimestamp);
      assert.equal(held.metadata.deletionGracePeriodSeconds, 0);

      const refused = await kubectl.fails(
        "patch",
        "configmap",
        "held",
        "--type=merge",
        "-p",
        '{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}',
      );
      assert.match(
        refused,
        /ConfigMap "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \[\]string\{"example.com\/more"\}/,
      );

      await kubectl("patch", "configmap", "held", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]');
      assert.equal(sim.get("ConfigMap", "held"), undefined);
    } finally {
      await kubectl.close();
    }
  });
});

test("a finalizer on a pod keeps it after the kubelet confirmed; the API answers deletes with the object", async () => {
  await withSim(async (sim) => {
    sim.load([{ ...podManifest("web"), metadata: { ...podManifest("web").metadata, finalizers: ["example.com/audit"] } }]);
    await sim.advance("10s");
    const { core } = clientsFor(sim);
    const answered = await core.deleteNamespacedPod({ name: "web", namespace: "default" });
    assert.ok(answered.metadata?.deletionTimestamp);
    sim.settle();
    const kept = pod(sim, "web")!;
    assert.equal(kept.metadata.deletionGracePeriodSeconds, 0, "the kubelet's final delete");
    assert.equal(kept.status?.phase, "Succeeded");
    const conflict = await apiError(
      core.replaceNamespacedPod({
        name: "web",
        namespace: "default",
        body: { ...kept, metadata: { ...kept.metadata, resourceVersion: "1" } } as never,
      }),
    );
    assert.equal(conflict.code, 409);
    sim.patch("Pod", "web", [{ op: "remove", path: "/metadata/finalizers" }], { type: "json" });
    assert.equal(pod(sim, "web"), undefined);
  });
});
