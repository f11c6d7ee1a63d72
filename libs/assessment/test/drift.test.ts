// The drift component and the field paths it reads: the fields the executor recorded in stateAfter, compared by
// hash with the live target now. A patch reverted by someone else is drift.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { canonicalJson, drift } from "../src/components/drift.js";
import { parseFieldPath, readField } from "../src/field-paths.js";
import { podNamed, scenarioSuite, subjectFor } from "./context-helpers.js";

describe("field paths", () => {
  test("the executor's keys parse into steps; keys that are not fields of the object do not", () => {
    const cases: Array<[string, unknown]> = [
      ["spec.replicas", [{ field: "spec" }, { field: "replicas" }]],
      [
        "spec.template.spec.containers[api].resources.limits.memory",
        [
          { field: "spec" },
          { field: "template" },
          { field: "spec" },
          { field: "containers" },
          { item: "api" },
          { field: "resources" },
          { field: "limits" },
          { field: "memory" },
        ],
      ],
      [
        "spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt]",
        [
          { field: "spec" },
          { field: "template" },
          { field: "metadata" },
          { field: "annotations" },
          { item: "kubectl.kubernetes.io/restartedAt" },
        ],
      ],
      [
        "metadata.annotations.force-sync.external-secrets.io/at",
        [{ field: "metadata" }, { field: "annotations" }, { item: "force-sync.external-secrets.io/at" }],
      ],
      ["metadata.labels[vigil.dev/quarantined]", [{ field: "metadata" }, { field: "labels" }, { item: "vigil.dev/quarantined" }]],
      [
        "spec.template.spec.containers[api].env[LOG_LEVEL]",
        [
          { field: "spec" },
          { field: "template" },
          { field: "spec" },
          { field: "containers" },
          { item: "api" },
          { field: "env" },
          { item: "LOG_LEVEL" },
        ],
      ],
    ];
    for (const [key, segments] of cases) assert.deepEqual(parseFieldPath(key)?.segments, segments, key);
    for (const key of [
      "pods[web-1]",
      "jobs[backup-1]",
      "pods",
      "job",
      "volumeSnapshot",
      "networkPolicies[q]",
      "status.phase",
      "metadata.deletionTimestamp",
      "spec.x[unclosed",
    ])
      assert.equal(parseFieldPath(key), undefined, key);
  });

  test("values are read by container name, by index, by map key with dots; env items as their value; absent as null", () => {
    const obj = {
      metadata: { annotations: { "a.b/c": "1" } },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "api",
                env: [
                  { name: "LOG_LEVEL", value: "debug" },
                  { name: "SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
                ],
                resources: { limits: { memory: "768Mi" } },
              },
            ],
          },
        },
        ports: [{ port: 80 }, { port: 443 }],
      },
    };
    const read = (key: string) => readField(obj, parseFieldPath(key)!);
    assert.equal(read("spec.template.spec.containers[api].resources.limits.memory"), "768Mi");
    assert.equal(read("spec.template.spec.containers[api].env[LOG_LEVEL]"), "debug");
    assert.deepEqual(read("spec.template.spec.containers[api].env[SECRET]"), { valueFrom: { secretKeyRef: { name: "s", key: "k" } } });
    assert.equal(read("spec.ports[1].port"), 443);
    assert.equal(read("metadata.annotations.a.b/c"), "1");
    assert.equal(read("metadata.annotations[a.b/c]"), "1");
    assert.equal(read("spec.template.spec.containers[web].resources.limits.memory"), null);
    assert.equal(read("spec.paused"), null);
  });

  test("canonical JSON sorts keys and writes Dates as RFC 3339", () => {
    assert.equal(
      canonicalJson({ b: 1, a: [{ y: null, x: new Date(0) }], c: undefined }),
      '{"a":[{"x":"1970-01-01T00:00:00.000Z","y":null}],"b":1}',
    );
  });
});

describe("drift on the simulator", () => {
  const suite = scenarioSuite("oom-crashloop");
  const PAYMENTS = { kind: "Deployment", name: "payments-api", namespace: "shop" };
  const LIMIT = "spec.template.spec.containers[api].resources.limits.memory";
  const setLimit = (memory: string) =>
    suite.sim.patch(
      "Deployment",
      "payments-api",
      { spec: { template: { spec: { containers: [{ name: "api", resources: { limits: { memory } } }] } } } },
      { namespace: "shop" },
    );

  const increase = (after: string) =>
    subjectFor(suite.sim, {
      action: "increase_resources",
      target: PAYMENTS,
      owner: PAYMENTS,
      stateBefore: { [LIMIT]: "256Mi" },
      stateAfter: { [LIMIT]: after },
    });

  test("the raised limit still in place: 1, no drift; an equal quantity in another unit is the same", async () => {
    setLimit("768Mi");
    await suite.h.advance("1m");
    const r = await drift.assess(suite.h.context(increase("768Mi")));
    assert.deepEqual([r.value, r.drift], [1, false], r.explanation);
    assert.match(r.explanation, /still holds what it set \(spec\.template\.spec\.containers\[api\]\.resources\.limits\.memory = 768Mi\)/);
    const e = r.evidence as { afterHash: string; liveHash: string };
    assert.match(e.afterHash, /^[0-9a-f]{64}$/);
    assert.equal(e.afterHash, e.liveHash);
    assert.equal((await drift.assess(suite.h.context(increase("0.75Gi")))).value, 1);
  });

  test("someone puts the limit back to 256Mi: drift, 0, named as reverted", async () => {
    setLimit("256Mi");
    await suite.h.advance("1m");
    const r = await drift.assess(suite.h.context(increase("768Mi")));
    assert.deepEqual([r.value, r.drift], [0, true], r.explanation);
    assert.equal(
      r.explanation,
      "someone changed what increase_resources set on Deployment shop/payments-api: spec.template.spec.containers[api].resources.limits.memory was set to 768Mi by the action, is now 256Mi (reverted to its value before the action)",
    );
    setLimit("1Gi");
    await suite.h.caughtUp();
    const other = await drift.assess(suite.h.context(increase("768Mi")));
    assert.equal(other.drift, true);
    assert.match(other.explanation, /is now 1Gi$/);
  });

  test("rollout_restart's restartedAt annotation and a dotted metadata annotation key are checked", async () => {
    const key = "spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt]";
    suite.sim.patch(
      "Deployment",
      "payments-api",
      {
        metadata: { annotations: { "vigil.dev/touched-by": "executor" } },
        spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" } } } },
      },
      { namespace: "shop" },
    );
    await suite.h.caughtUp();
    const s = subjectFor(suite.sim, {
      action: "rollout_restart",
      target: PAYMENTS,
      owner: PAYMENTS,
      stateBefore: { [key]: null },
      stateAfter: { [key]: "2026-01-01T00:00:00Z", "metadata.annotations.vigil.dev/touched-by": "executor" },
    });
    const r = await drift.assess(suite.h.context(s));
    assert.equal(r.value, 1, r.explanation);
    suite.sim.patch("Deployment", "payments-api", { metadata: { annotations: { "vigil.dev/touched-by": null } } }, { namespace: "shop" });
    await suite.h.caughtUp();
    const gone = await drift.assess(suite.h.context(s));
    assert.equal(gone.value, 0);
    assert.match(gone.explanation, /metadata\.annotations\.vigil\.dev\/touched-by was set to executor by the action, is now unset$/);
  });

  test("a cordon undone by someone: drift on spec.unschedulable", async () => {
    const node = { kind: "Node", name: "worker-3" };
    suite.sim.patch("Node", "worker-3", { spec: { unschedulable: true } });
    await suite.h.caughtUp();
    const s = subjectFor(suite.sim, {
      action: "cordon_node",
      target: node,
      owner: node,
      stateBefore: { "spec.unschedulable": false },
      stateAfter: { "spec.unschedulable": true },
    });
    assert.equal((await drift.assess(suite.h.context(s))).value, 1);
    suite.sim.patch("Node", "worker-3", { spec: { unschedulable: false } });
    await suite.h.caughtUp();
    const r = await drift.assess(suite.h.context(s));
    assert.deepEqual([r.value, r.drift], [0, true]);
    assert.match(
      r.explanation,
      /spec\.unschedulable was set to true by the action, is now false \(reverted to its value before the action\)/,
    );
  });

  test("null: restart_pod (a removal), notify_only (nothing recorded), drain's pod list, a target that is gone", async () => {
    const pod = podNamed(suite.sim, "shop", "payments-api-");
    const podRef = { kind: "Pod", name: pod.metadata!.name!, namespace: "shop" };
    const restart = subjectFor(suite.sim, {
      action: "restart_pod",
      target: podRef,
      owner: PAYMENTS,
      stateBefore: { "metadata.deletionTimestamp": null },
      stateAfter: { "metadata.deletionTimestamp": new Date(suite.h.now()).toISOString() },
    });
    const r1 = await drift.assess(suite.h.context(restart));
    assert.equal(r1.value, null);
    assert.match(r1.explanation, /removed Pod payments-api-/);
    const notify = await drift.assess(
      suite.h.context(subjectFor(suite.sim, { action: "notify_only", target: PAYMENTS, owner: PAYMENTS, stateAfter: {} })),
    );
    assert.equal(notify.value, null);
    assert.match(notify.explanation, /recorded no changed fields/);
    const jobs = await drift.assess(
      suite.h.context(
        subjectFor(suite.sim, {
          action: "delete_completed_jobs",
          target: { kind: "Namespace", name: "shop" },
          owner: { kind: "Namespace", name: "shop" },
          stateAfter: { "jobs[a]": null },
        }),
      ),
    );
    assert.equal(jobs.value, null);
    assert.match(jobs.explanation, /is a field of the target: nothing to check/);
    const ghost = { kind: "Deployment", name: "ghost", namespace: "shop" };
    const gone = await drift.assess(
      suite.h.context(
        subjectFor(suite.sim, { action: "scale_deployment", target: ghost, owner: ghost, stateAfter: { "spec.replicas": 3 } }),
      ),
    );
    assert.equal(gone.value, null);
    assert.match(gone.explanation, /Deployment shop\/ghost is not in the cluster cache/);
  });
});
