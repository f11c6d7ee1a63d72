// StatefulSet controller: ordered creation, PVCs per ordinal, scale-down from the top, rolling updates with
// ControllerRevisions. Pod status is written by a stand-in for the kubelet (markReady / markFinished).
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { StatefulSetController } from "../src/controllers/statefulset.js";
import type { KubeObject, Pod } from "../src/types.js";
import { env, eventsOf, markFinished, markReady, type Env } from "./controllers-helpers.js";

const sts = (opts: { replicas?: number; policy?: string; partition?: number } = {}): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db", namespace: "default" },
  spec: {
    serviceName: "db",
    replicas: opts.replicas ?? 3,
    ...(opts.policy ? { podManagementPolicy: opts.policy } : {}),
    ...(opts.partition !== undefined ? { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: opts.partition } } } : {}),
    selector: { matchLabels: { app: "db" } },
    template: {
      metadata: { labels: { app: "db" } },
      spec: { containers: [{ name: "postgres", image: "postgres:16.4", volumeMounts: [{ name: "data", mountPath: "/data" }] }] },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "data", annotations: { "sim.vigil.dev/used": "1Gi" } },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "10Gi" } } },
      },
    ],
  },
});

const pods = (e: Env): Pod[] => e.cluster.list<Pod>(R.pods, "default").sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
const names = (e: Env): string[] => pods(e).map((p) => p.metadata.name!);
const get = (e: Env): KubeObject => e.cluster.mustGet(R.statefulsets, "default", "db");
/** Stands in for the kubelet: the named pod becomes Running and Ready. */
const ready = (e: Env, name: string): void => {
  markReady(e.cluster, e.cluster.mustGet<Pod>(R.pods, "default", name));
  e.settle();
};

test("OrderedReady creates db-0, db-1, db-2 one at a time, each after the previous is Running and Ready", () => {
  const e = env([new StatefulSetController()]);
  e.cluster.create(R.statefulsets, sts());
  e.settle();
  assert.deepEqual(names(e), ["db-0"]);
  const p0 = pods(e)[0]!;
  assert.equal(p0.spec.hostname, "db-0");
  assert.equal(p0.spec.subdomain, "db");
  assert.equal(p0.metadata.labels!["statefulset.kubernetes.io/pod-name"], "db-0");
  assert.equal(p0.metadata.labels!["apps.kubernetes.io/pod-index"], "0");
  const revision = get(e).status.updateRevision;
  assert.match(revision, /^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(p0.metadata.labels!["controller-revision-hash"], revision);
  assert.deepEqual(p0.spec.volumes, [{ name: "data", persistentVolumeClaim: { claimName: "data-db-0" } }]);
  assert.equal(p0.metadata.ownerReferences![0]!.kind, "StatefulSet");
  const pvc = e.cluster.mustGet(R.pvcs, "default", "data-db-0");
  assert.deepEqual(pvc.metadata.labels, { app: "db" });
  assert.equal(pvc.metadata.annotations!["sim.vigil.dev/used"], "1Gi");
  assert.equal(pvc.spec.resources.requests.storage, "10Gi");
  assert.ok(e.cluster.get(R.controllerrevisions, "default", revision));

  ready(e, "db-0");
  assert.deepEqual(names(e), ["db-0", "db-1"]);
  ready(e, "db-1");
  ready(e, "db-2");
  assert.deepEqual(names(e), ["db-0", "db-1", "db-2"]);
  const msgs = eventsOf(e.cluster, get(e)).map((x) => x.message);
  assert.ok(msgs.includes("create Pod db-1 in StatefulSet db successful"));
  assert.ok(msgs.includes("create Claim data-db-2 Pod db-2 in StatefulSet db success"));
  const s = get(e).status;
  assert.deepEqual(
    [
      s.replicas,
      s.readyReplicas,
      s.availableReplicas,
      s.currentReplicas,
      s.updatedReplicas,
      s.currentRevision,
      s.updateRevision,
      s.observedGeneration,
    ],
    [3, 3, 3, 3, 3, revision, revision, 1],
  );
});

test("Parallel creates every pod at once; scale-down removes the highest ordinal and keeps its PVC", () => {
  const e = env([new StatefulSetController()]);
  e.cluster.create(R.statefulsets, sts({ policy: "Parallel" }));
  e.settle();
  assert.deepEqual(names(e), ["db-0", "db-1", "db-2"]);
  for (const n of names(e)) ready(e, n);
  e.cluster.mutate(R.statefulsets, "default", "db", (d) => void (d.spec.replicas = 1));
  e.settle();
  assert.deepEqual(names(e), ["db-0"]);
  assert.ok(e.cluster.get(R.pvcs, "default", "data-db-2"), "claims outlive scale-down");
  assert.ok(eventsOf(e.cluster, get(e)).some((x) => x.message === "delete Pod db-2 in StatefulSet db successful"));
  e.cluster.mutate(R.statefulsets, "default", "db", (d) => void (d.spec.replicas = 2));
  e.settle();
  assert.deepEqual(pods(e)[1]!.spec.volumes, [{ name: "data", persistentVolumeClaim: { claimName: "data-db-1" } }]);
});

test("a failed pod is recreated under the same name", () => {
  const e = env([new StatefulSetController()]);
  e.cluster.create(R.statefulsets, sts({ replicas: 1 }));
  e.settle();
  ready(e, "db-0");
  const before = pods(e)[0]!;
  markFinished(e.cluster, before, "Failed", "Evicted");
  e.settle();
  const after = pods(e)[0]!;
  assert.equal(after.metadata.name, "db-0");
  assert.notEqual(after.metadata.uid, before.metadata.uid);
  assert.ok(
    eventsOf(e.cluster, get(e)).some(
      (x) => x.reason === "RecreatingFailedPod" && x.message === "StatefulSet default/db is recreating failed Pod db-0",
    ),
  );
});

test("a rolling update replaces pods from the highest ordinal down, each after the previous is ready", () => {
  const e = env([new StatefulSetController()]);
  e.cluster.create(R.statefulsets, sts());
  e.settle();
  for (const n of ["db-0", "db-1", "db-2"]) ready(e, n);
  const oldRevision = get(e).status.currentRevision;
  e.cluster.mutate(R.statefulsets, "default", "db", (d) => void (d.spec.template.spec.containers[0].image = "postgres:16.5"));
  e.settle();
  const newRevision = get(e).status.updateRevision;
  assert.notEqual(newRevision, oldRevision);
  assert.equal(get(e).status.currentRevision, oldRevision);
  const image = (n: string) => e.cluster.mustGet<Pod>(R.pods, "default", n).spec.containers[0]!.image;
  assert.equal(image("db-2"), "postgres:16.5");
  assert.equal(image("db-1"), "postgres:16.4");
  ready(e, "db-2");
  assert.equal(image("db-1"), "postgres:16.5");
  assert.equal(image("db-0"), "postgres:16.4");
  ready(e, "db-1");
  ready(e, "db-0");
  const s = get(e).status;
  assert.equal(s.currentRevision, newRevision);
  assert.equal(s.updatedReplicas, 3);
  assert.equal(s.currentReplicas, 3);
  assert.equal(e.cluster.mustGet(R.controllerrevisions, "default", newRevision).revision, 2);
});

test("a partition keeps lower ordinals on the current revision", () => {
  const e = env([new StatefulSetController()]);
  e.cluster.create(R.statefulsets, sts({ partition: 2 }));
  e.settle();
  for (const n of ["db-0", "db-1", "db-2"]) ready(e, n);
  e.cluster.mutate(R.statefulsets, "default", "db", (d) => void (d.spec.template.spec.containers[0].image = "postgres:17"));
  e.settle();
  ready(e, "db-2");
  assert.deepEqual(
    pods(e).map((p) => p.spec.containers[0]!.image),
    ["postgres:16.4", "postgres:16.4", "postgres:17"],
  );
  assert.equal(get(e).status.updatedReplicas, 1);
  assert.equal(get(e).status.currentReplicas, 2);
});
