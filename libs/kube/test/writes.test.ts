// Writes against the simulator over HTTP: the three patch types with and without server-side dry run, the
// scale subresource, eviction under a PodDisruptionBudget, deletes with preconditions, creates from
// client-node models, and the errors they map to.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { V1NetworkPolicy } from "@kubernetes/client-node";
import type { KubeSim } from "@vigil/kube-sim";
import { KubeApiError, evictPod, isNotFound, readScale, scaleTo, type KubeClient } from "../src/index.js";
import { clientFor, configMap, deployment, startSim, waitFor } from "./helpers.js";

const NS = "shop";

describe("KubeClient writes", () => {
  let sim: KubeSim;
  let client: KubeClient;
  const failure = async (p: Promise<unknown>): Promise<KubeApiError> => {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof KubeApiError, `a KubeApiError, got ${String(err)}`);
      return err;
    }
    assert.fail("expected the call to fail");
  };

  before(async () => {
    sim = await startSim();
    sim.load([
      deployment("web", NS, { replicas: 1, image: "shop/web:1.0" }),
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", namespace: NS, labels: { app: "web" } },
        spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
      },
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web", namespace: NS },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
        },
      },
    ]);
    client = clientFor(sim);
  });
  after(() => sim.stop());

  const cases = [
    {
      type: "strategic" as const,
      ref: { kind: "Deployment" as const, name: "web", namespace: NS },
      // Strategic merge merges containers by name: the image changes, the resources stay.
      patch: { spec: { template: { spec: { containers: [{ name: "app", image: "shop/web:2.0" }] } } } },
      read: (o: any) => ({
        image: o.spec.template.spec.containers[0].image,
        memory: o.spec.template.spec.containers[0].resources.limits.memory,
      }),
      before: { image: "shop/web:1.0", memory: "128Mi" },
      after: { image: "shop/web:2.0", memory: "128Mi" },
    },
    {
      type: "merge" as const,
      ref: { kind: "Service" as const, name: "web", namespace: NS },
      patch: { metadata: { labels: { team: "payments" } } },
      read: (o: any) => o.metadata.labels,
      before: { app: "web" },
      after: { app: "web", team: "payments" },
    },
    {
      type: "json" as const,
      ref: { kind: "HorizontalPodAutoscaler" as const, name: "web", namespace: NS },
      patch: [
        { op: "test", path: "/spec/maxReplicas", value: 3 },
        { op: "replace", path: "/spec/maxReplicas", value: 5 },
      ],
      read: (o: any) => o.spec.maxReplicas,
      before: 3,
      after: 5,
    },
  ];

  for (const c of cases) {
    it(`${c.type} patch: a dry run returns the would-be object and changes nothing; without it the object changes`, async () => {
      const original = await client.get(c.ref);
      assert.deepEqual(c.read(original), c.before);

      const wouldBe = await client.patch(c.ref, c.type, c.patch, { dryRun: true });
      assert.deepEqual(c.read(wouldBe), c.after, "the dry run answers with the patched object");
      const untouched = await client.get(c.ref);
      assert.equal(untouched.metadata?.resourceVersion, original.metadata?.resourceVersion, "nothing was stored");
      assert.deepEqual(c.read(untouched), c.before);

      const patched = await client.patch(c.ref, c.type, c.patch);
      assert.deepEqual(c.read(patched), c.after);
      const fresh = await client.get(c.ref);
      assert.deepEqual(c.read(fresh), c.after);
      // Controllers may have written status since (a Deployment's): compare what the patch wrote.
      assert.ok(Number(fresh.metadata?.resourceVersion) >= Number(patched.metadata?.resourceVersion));
      assert.ok(Number(patched.metadata?.resourceVersion) > Number(original.metadata?.resourceVersion));
      assert.ok(fresh.metadata?.creationTimestamp instanceof Date, "answers are client-node models");
    });
  }

  it("maps refused patches to KubeApiError: a failed JSON patch test, an invalid value, a missing object", async () => {
    const ref = { kind: "HorizontalPodAutoscaler" as const, name: "web", namespace: NS };
    const stale = await failure(
      client.patch(ref, "json", [
        { op: "test", path: "/spec/maxReplicas", value: 99 },
        { op: "replace", path: "/spec/maxReplicas", value: 1 },
      ]),
    );
    assert.equal(stale.status, 422);
    assert.equal(stale.reason, "Invalid");
    assert.equal(stale.retryable, false);
    const invalid = await failure(
      client.patch({ kind: "Deployment", name: "web", namespace: NS }, "merge", { spec: { replicas: -1 } }, { dryRun: true }),
    );
    assert.equal(invalid.status, 422);
    assert.match(invalid.message, /replicas/);
    const missing = await failure(client.patch({ kind: "Deployment", name: "nope", namespace: NS }, "merge", { spec: { replicas: 1 } }));
    assert.equal(missing.status, 404);
    assert.equal(missing.reason, "NotFound");
    assert.equal(missing.kind, "Deployment");
    assert.equal(missing.objectName, "nope");
    assert.equal(missing.namespace, NS);
    assert.equal(await client.find({ kind: "Deployment", name: "nope", namespace: NS }), undefined);
  });

  it("scales through the scale subresource, with a dry run that changes nothing", async () => {
    sim.load([deployment("api", NS, { replicas: 1 })]); // no HPA: "web" has one, which would scale it back
    const ref = { kind: "Deployment" as const, name: "api", namespace: NS };
    assert.equal((await readScale(client, ref)).replicas, 1);
    const dry = await scaleTo(client, ref, 3, { dryRun: true });
    assert.equal(dry.replicas, 3);
    assert.equal((await client.get(ref)).spec?.replicas, 1);
    const done = await scaleTo(client, ref, 3);
    assert.equal(done.replicas, 3);
    assert.equal(done.selector, "app=api");
    assert.equal((await client.get(ref)).spec?.replicas, 3);
    await waitFor(() => sim.list("Pod", NS).filter((p) => p.metadata.labels?.app === "api").length === 3, {
      message: "the controller made 3 pods",
    });
    await assert.rejects(
      scaleTo(client, { kind: "DaemonSet" as never, name: "x", namespace: NS }, 1),
      /DaemonSet has no scale subresource/,
    );
  });

  it("eviction blocked by a PodDisruptionBudget is a typed result; a dry run evicts nothing; then it evicts", async () => {
    sim.load([deployment("guarded", NS, { replicas: 2 })]);
    await sim.advance("30s");
    sim.load([
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "guarded-pdb", namespace: NS },
        spec: { minAvailable: 2, selector: { matchLabels: { app: "guarded" } } },
      },
    ]);
    const pod = sim.list("Pod", NS).find((p) => p.metadata.labels?.app === "guarded")!;
    const ref = { namespace: NS, name: pod.metadata.name! };

    const blocked = await evictPod(client, ref);
    assert.equal(blocked.outcome, "blocked");
    assert.ok(blocked.outcome === "blocked");
    assert.equal(blocked.reason, "PodDisruptionBudget");
    assert.equal(blocked.budget, "guarded-pdb");
    assert.match(blocked.message, /needs 2 healthy pods/);
    assert.ok(await client.find({ kind: "Pod", ...ref }), "still there");

    sim.patch("PodDisruptionBudget", "guarded-pdb", { spec: { minAvailable: 1 } }, { namespace: NS, type: "merge" });
    assert.deepEqual(await evictPod(client, ref, { dryRun: true }), { outcome: "evicted", dryRun: true });
    assert.ok(await client.find({ kind: "Pod", ...ref }), "a dry run evicts nothing");
    assert.deepEqual(await evictPod(client, ref, { preconditions: { uid: pod.metadata.uid! } }), { outcome: "evicted", dryRun: false });
    assert.equal(await client.find({ kind: "Pod", ...ref }), undefined);
    const gone = await failure(evictPod(client, ref));
    assert.equal(gone.status, 404);
  });

  it("deletes with preconditions and dry run", async () => {
    sim.load([configMap("doomed", NS)]);
    const ref = { kind: "ConfigMap" as const, name: "doomed", namespace: NS };
    const cm = await client.get(ref);
    const conflict = await failure(client.delete(ref, { preconditions: { uid: "not-its-uid" } }));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.reason, "Conflict");
    assert.equal(conflict.retryable, true, "re-read and retry");
    await client.delete(ref, { dryRun: true, preconditions: { uid: cm.metadata!.uid! } });
    assert.ok(await client.find(ref), "a dry-run delete deletes nothing");
    await client.delete(ref, {
      preconditions: { uid: cm.metadata!.uid!, resourceVersion: cm.metadata!.resourceVersion! },
      gracePeriodSeconds: 0,
    });
    assert.equal(await client.find(ref), undefined);
    assert.ok(isNotFound(await failure(client.delete(ref))));
  });

  it("creates objects given as client-node models (field names converted to the wire), with dry run", async () => {
    const policy: V1NetworkPolicy = {
      metadata: { name: "quarantine", namespace: NS, labels: { "vigil.dev/action": "quarantine_pod" } },
      spec: {
        podSelector: { matchLabels: { quarantine: "true" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ _from: [{ podSelector: { matchLabels: { role: "debug" } } }] }],
      },
    };
    const dry = await client.create("NetworkPolicy", policy, { dryRun: true });
    assert.equal(dry.metadata?.name, "quarantine");
    assert.equal(sim.get("NetworkPolicy", "quarantine", NS), undefined, "a dry-run create stores nothing");
    const created = await client.create("NetworkPolicy", policy);
    assert.ok(created.metadata?.uid);
    assert.deepEqual(created.spec?.ingress?.[0]?._from?.[0]?.podSelector?.matchLabels, { role: "debug" });
    const stored = sim.get("NetworkPolicy", "quarantine", NS) as unknown as { spec: { ingress: Array<{ from: unknown[] }> } };
    assert.deepEqual(stored.spec.ingress[0]!.from, [{ podSelector: { matchLabels: { role: "debug" } } }], "sent as `from` on the wire");
    const dup = await failure(client.create("NetworkPolicy", policy));
    assert.equal(dup.status, 409);
    assert.equal(dup.reason, "AlreadyExists");
    assert.equal(dup.retryable, false);
  });
});
