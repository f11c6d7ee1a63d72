// Deployment and ReplicaSet controllers: replica sets per template, pods, scaling, rolling updates step by step,
// rollback, Recreate, progress deadline, history cleanup. Pod status is written by a stand-in for the kubelet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { DeploymentController } from "../src/controllers/deployment.js";
import { ReplicaSetController } from "../src/controllers/replicaset.js";
import type { KubeObject, Pod } from "../src/types.js";
import { deploymentManifest, env, eventsOf, markFinished, markReady, markUnready, podsWith, type Env } from "./controllers-helpers.js";

const setup = (): Env => env([new DeploymentController(), new ReplicaSetController()]);
const deploy = (e: Env, name = "web") => e.cluster.mustGet(R.deployments, "default", name);
const replicaSets = (e: Env): KubeObject[] => e.cluster.list(R.replicasets, "default").sort((a, b) => revision(a) - revision(b));
const revision = (o: KubeObject): number => Number(o.metadata.annotations?.["deployment.kubernetes.io/revision"]);
const sizes = (e: Env): number[] => replicaSets(e).map((rs) => rs.spec.replicas);
const setImage = (e: Env, image: string, name = "web"): void => {
  e.cluster.mutate(R.deployments, "default", name, (d) => void (d.spec.template.spec.containers[0].image = image));
  e.settle();
};
/** Stands in for the kubelet: every pod that is not finished becomes Running and Ready. */
const readyAll = (e: Env): void => {
  for (const p of e.cluster.list<Pod>(R.pods))
    if (!p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") && p.status?.phase !== "Failed")
      markReady(e.cluster, p);
  e.settle();
};

test("a Deployment gets a ReplicaSet <name>-<pod-template-hash> and pods with its labels and owners", () => {
  const e = setup();
  e.cluster.create(R.deployments, deploymentManifest("web"));
  e.settle();
  const [rs] = replicaSets(e);
  assert.ok(rs);
  const hash = rs.metadata.labels!["pod-template-hash"]!;
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.deepEqual(rs.spec.selector, { matchLabels: { app: "web", "pod-template-hash": hash } });
  assert.equal(rs.spec.template.metadata.labels["pod-template-hash"], hash);
  const d = deploy(e);
  assert.deepEqual(rs.metadata.ownerReferences, [
    { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  assert.deepEqual(
    [
      rs.metadata.annotations!["deployment.kubernetes.io/revision"],
      rs.metadata.annotations!["deployment.kubernetes.io/desired-replicas"],
      rs.metadata.annotations!["deployment.kubernetes.io/max-replicas"],
    ],
    ["1", "3", "4"],
  );
  assert.equal(d.metadata.annotations!["deployment.kubernetes.io/revision"], "1");

  const pods = podsWith(e.cluster, { app: "web" });
  assert.equal(pods.length, 3);
  for (const p of pods) {
    assert.match(p.metadata.name!, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    assert.equal(p.metadata.labels!["pod-template-hash"], hash);
    assert.equal(p.metadata.ownerReferences![0]!.kind, "ReplicaSet");
    assert.equal(p.metadata.ownerReferences![0]!.uid, rs.metadata.uid);
    assert.equal(p.metadata.ownerReferences![0]!.controller, true);
  }
  assert.deepEqual(
    eventsOf(e.cluster, d).map((x) => x.message),
    [`Scaled up replica set web-${hash} from 0 to 3`],
  );
  assert.ok(eventsOf(e.cluster, rs).some((x) => x.reason === "SuccessfulCreate" && x.message === `Created pod: ${pods[0]!.metadata.name}`));

  // Not available yet: the Available condition is False until pods are ready.
  let status = deploy(e).status;
  assert.equal(status.replicas, 3);
  assert.equal(status.unavailableReplicas, 3);
  assert.equal(status.conditions.find((c: any) => c.type === "Available").reason, "MinimumReplicasUnavailable");
  assert.equal(status.conditions.find((c: any) => c.type === "Progressing").reason, "ReplicaSetUpdated");

  readyAll(e);
  status = deploy(e).status;
  assert.deepEqual(
    {
      observedGeneration: status.observedGeneration,
      replicas: status.replicas,
      updatedReplicas: status.updatedReplicas,
      readyReplicas: status.readyReplicas,
      availableReplicas: status.availableReplicas,
      unavailableReplicas: status.unavailableReplicas,
    },
    { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: undefined },
  );
  const progressing = status.conditions.find((c: any) => c.type === "Progressing");
  assert.equal(progressing.reason, "NewReplicaSetAvailable");
  assert.equal(progressing.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
  assert.equal(status.conditions.find((c: any) => c.type === "Available").status, "True");
  const rsStatus = replicaSets(e)[0]!.status;
  assert.deepEqual(rsStatus, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
});

test("scaling up and down changes the ReplicaSet and records ScalingReplicaSet events", () => {
  const e = setup();
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 2 }));
  e.settle();
  readyAll(e);
  e.cluster.mutate(R.deployments, "default", "web", (d) => void (d.spec.replicas = 5));
  e.settle();
  assert.equal(podsWith(e.cluster, { app: "web" }).length, 5);
  const rsName = replicaSets(e)[0]!.metadata.name;
  assert.ok(eventsOf(e.cluster, deploy(e)).some((x) => x.message === `Scaled up replica set ${rsName} from 2 to 5`));
  readyAll(e);
  // Scale-down deletes not-ready pods before ready ones.
  const unready = podsWith(e.cluster, { app: "web" })[2]!;
  markUnready(e.cluster, unready);
  e.cluster.mutate(R.deployments, "default", "web", (d) => void (d.spec.replicas = 1));
  e.settle();
  const left = podsWith(e.cluster, { app: "web" });
  assert.equal(left.length, 1);
  assert.notEqual(left[0]!.metadata.name, unready.metadata.name);
  assert.ok(eventsOf(e.cluster, deploy(e)).some((x) => x.message === `Scaled down replica set ${rsName} from 5 to 1`));
  assert.ok(
    eventsOf(e.cluster, replicaSets(e)[0]!).some(
      (x) => x.reason === "SuccessfulDelete" && x.message === `Deleted pod: ${unready.metadata.name}`,
    ),
  );
  assert.equal(deploy(e).status.replicas, 1);
});

test("a rolling update honours maxSurge and maxUnavailable step by step", () => {
  const e = setup();
  e.cluster.create(
    R.deployments,
    deploymentManifest("web", { replicas: 4, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
  );
  e.settle();
  readyAll(e);
  setImage(e, "nginx:1.28");
  // maxSurge 1, maxUnavailable 0: one new pod at a time, an old one goes only when a new one is available.
  assert.deepEqual(sizes(e), [4, 1]);
  const newRS = replicaSets(e)[1]!;
  assert.equal(revision(newRS), 2);
  assert.equal(deploy(e).metadata.annotations!["deployment.kubernetes.io/revision"], "2");
  assert.ok(eventsOf(e.cluster, deploy(e)).some((x) => x.message === `Scaled up replica set ${newRS.metadata.name} from 0 to 1`));
  assert.equal(
    deploy(e).status.conditions.find((c: any) => c.type === "Progressing").message,
    `ReplicaSet "${newRS.metadata.name}" is progressing.`,
  );
  for (const expected of [
    [3, 2],
    [2, 3],
    [1, 4],
    [0, 4],
  ]) {
    const fresh = podsWith(e.cluster, { "pod-template-hash": newRS.metadata.labels!["pod-template-hash"]! }).filter(
      (p) => p.status?.phase === "Pending",
    );
    assert.equal(fresh.length, 1, "exactly one new pod is starting");
    assert.equal(
      podsWith(e.cluster, { app: "web" }).filter((p) => p.status?.phase === "Running").length,
      4,
      "never fewer than 4 available",
    );
    markReady(e.cluster, fresh[0]!);
    e.settle();
    assert.deepEqual(sizes(e), expected);
    if (expected[0] === 0) break;
  }
  const status = deploy(e).status;
  assert.equal(status.updatedReplicas, 4);
  assert.equal(status.replicas, 4);
  assert.equal(status.conditions.find((c: any) => c.type === "Progressing").reason, "NewReplicaSetAvailable");
  const messages = eventsOf(e.cluster, deploy(e)).map((x) => x.message);
  assert.ok(messages.includes(`Scaled down replica set ${replicaSets(e)[0]!.metadata.name} from 4 to 3`));
});

test("a rolling update with the default 25% surge/unavailable keeps 3 of 4 pods available", () => {
  const e = setup();
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 4 }));
  e.settle();
  readyAll(e);
  setImage(e, "nginx:1.28");
  // surge 25% of 4 rounds up to 1, unavailable rounds down to 1: 5 pods at most, 3 available at least.
  assert.deepEqual(sizes(e), [3, 2]);
  const running = podsWith(e.cluster, { app: "web" }).filter((p) => p.status?.phase === "Running");
  assert.equal(running.length, 3);
  readyAll(e);
  assert.deepEqual(sizes(e), [1, 4]);
  readyAll(e);
  assert.deepEqual(sizes(e), [0, 4]);
});

test("scaling in the middle of a rollout scales both ReplicaSets proportionally", () => {
  const e = setup();
  e.cluster.create(
    R.deployments,
    deploymentManifest("web", { replicas: 10, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }),
  );
  e.settle();
  readyAll(e);
  setImage(e, "nginx:1.28");
  assert.deepEqual(sizes(e), [8, 5]);
  e.cluster.mutate(R.deployments, "default", "web", (d) => void (d.spec.replicas = 20));
  e.settle();
  // 10 more replicas (23 allowed with the surge) split by each ReplicaSet's share of the 13 it had.
  assert.deepEqual(sizes(e), [14, 9]);
  assert.ok(replicaSets(e).every((rs) => rs.metadata.annotations!["deployment.kubernetes.io/desired-replicas"] === "20"));
  for (let i = 0; i < 10; i++) readyAll(e);
  assert.deepEqual(sizes(e), [0, 20]);
  assert.equal(deploy(e).status.availableReplicas, 20);
});

test("rollback: restoring the previous template reuses the old ReplicaSet with the next revision", () => {
  const e = setup();
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 2 }));
  e.settle();
  readyAll(e);
  setImage(e, "nginx:broken");
  for (let i = 0; i < 3; i++) readyAll(e);
  assert.deepEqual(sizes(e), [0, 2]);
  const [first] = replicaSets(e);
  // What `kubectl rollout undo` does: copy revision 1's template (minus pod-template-hash) into the Deployment.
  const template = structuredClone(first!.spec.template);
  delete template.metadata.labels["pod-template-hash"];
  template.metadata.creationTimestamp = null; // kubectl's Go client serializes the zero timestamp
  e.cluster.mutate(R.deployments, "default", "web", (d) => void (d.spec.template = template));
  e.settle();
  const all = e.cluster.list(R.replicasets, "default");
  assert.equal(all.length, 2, "no new ReplicaSet is created");
  const reused = e.cluster.mustGet(R.replicasets, "default", first!.metadata.name!);
  assert.equal(revision(reused), 3);
  assert.equal(reused.metadata.annotations!["deployment.kubernetes.io/revision-history"], "1");
  assert.equal(deploy(e).metadata.annotations!["deployment.kubernetes.io/revision"], "3");
  for (let i = 0; i < 3; i++) readyAll(e);
  assert.equal(reused.metadata.uid, e.cluster.mustGet(R.replicasets, "default", first!.metadata.name!).metadata.uid);
  assert.equal(e.cluster.mustGet(R.replicasets, "default", first!.metadata.name!).spec.replicas, 2);
  assert.ok(podsWith(e.cluster, { app: "web" }).every((p) => p.spec.containers[0]!.image === "nginx:1.27"));
});

test("an evicted (Failed) pod is replaced and stays listed", () => {
  const e = setup();
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 2 }));
  e.settle();
  readyAll(e);
  const victim = podsWith(e.cluster, { app: "web" })[0]!;
  markFinished(e.cluster, victim, "Failed", "Evicted");
  e.settle();
  const pods = podsWith(e.cluster, { app: "web" });
  assert.equal(pods.length, 3);
  assert.equal(pods.filter((p) => p.status?.phase !== "Failed").length, 2);
  assert.ok(pods.some((p) => p.metadata.name === victim.metadata.name && p.status?.phase === "Failed"));
  const rs = replicaSets(e)[0]!;
  assert.equal(rs.status.replicas, 2);
  assert.equal(rs.status.readyReplicas, 1);
});

test("Recreate removes every old pod before the new ReplicaSet scales up", () => {
  const e = setup();
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 3, strategy: { type: "Recreate" } }));
  e.settle();
  readyAll(e);
  setImage(e, "nginx:1.28");
  assert.deepEqual(sizes(e), [0, 3]);
  assert.ok(podsWith(e.cluster, { app: "web" }).every((p) => p.spec.containers[0]!.image === "nginx:1.28"));
  const messages = eventsOf(e.cluster, deploy(e)).map((x) => x.message);
  const old = replicaSets(e)[0]!.metadata.name;
  assert.ok(
    messages.indexOf(`Scaled down replica set ${old} from 3 to 0`) <
      messages.findIndex((m) => m.startsWith(`Scaled up replica set ${replicaSets(e)[1]!.metadata.name}`)),
  );
});

test("minReadySeconds: pods count as available only after being ready that long", () => {
  const e = setup();
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 2, minReadySeconds: 10 }));
  e.settle();
  readyAll(e);
  assert.equal(deploy(e).status.readyReplicas, 2);
  assert.equal(deploy(e).status.availableReplicas, undefined);
  e.advance(11);
  assert.equal(deploy(e).status.availableReplicas, 2);
});

test("a rollout that makes no progress gets ProgressDeadlineExceeded", () => {
  const e = setup();
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 2, progressDeadlineSeconds: 30 }));
  e.settle();
  readyAll(e);
  setImage(e, "nginx:unready");
  // The new pods run but never become ready.
  for (const p of podsWith(e.cluster, { app: "web" }).filter((x) => x.status?.phase === "Pending")) markUnready(e.cluster, p);
  e.settle();
  e.advance(20);
  assert.equal(deploy(e).status.conditions.find((c: any) => c.type === "Progressing").status, "True");
  e.advance(15);
  const c = deploy(e).status.conditions.find((x: any) => x.type === "Progressing");
  assert.equal(c.status, "False");
  assert.equal(c.reason, "ProgressDeadlineExceeded");
  assert.equal(c.message, `ReplicaSet "${replicaSets(e)[1]!.metadata.name}" has timed out progressing.`);
  // The old pods keep serving: the Deployment stays Available.
  assert.equal(deploy(e).status.conditions.find((x: any) => x.type === "Available").status, "True");
});

test("old empty ReplicaSets beyond revisionHistoryLimit are deleted; paused Deployments don't roll out", () => {
  const e = setup();
  e.cluster.create(R.deployments, {
    ...deploymentManifest("web", { replicas: 1 }),
    spec: { ...deploymentManifest("web", { replicas: 1 }).spec, revisionHistoryLimit: 1 },
  });
  e.settle();
  for (const image of ["nginx:2", "nginx:3", "nginx:4"]) {
    readyAll(e);
    setImage(e, image);
    for (let i = 0; i < 3; i++) readyAll(e);
  }
  assert.deepEqual(replicaSets(e).map(revision), [3, 4]);
  e.cluster.mutate(R.deployments, "default", "web", (d) => void (d.spec.paused = true));
  e.settle();
  setImage(e, "nginx:5");
  const image = (rs: KubeObject): string => rs.spec.template.spec.containers[0].image;
  assert.ok(!replicaSets(e).some((rs) => image(rs) === "nginx:5"), "no new ReplicaSet while paused");
  assert.ok(podsWith(e.cluster, { app: "web" }).every((p) => p.spec.containers[0]!.image === "nginx:4"));
  assert.equal(deploy(e).status.conditions.find((c: any) => c.type === "Progressing").reason, "DeploymentPaused");
  e.cluster.mutate(R.deployments, "default", "web", (d) => void (d.spec.paused = false));
  e.settle();
  assert.ok(replicaSets(e).some((rs) => image(rs) === "nginx:5" && rs.spec.replicas === 1));
  assert.equal(deploy(e).status.conditions.find((c: any) => c.type === "Progressing").reason, "ReplicaSetUpdated");
});
