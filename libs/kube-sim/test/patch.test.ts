import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyJsonPatch } from "../src/api/patch/json-patch.js";
import { applyMergePatch } from "../src/api/patch/merge-patch.js";
import { PatchError } from "../src/api/patch/patch-error.js";
import { applyStrategicMergePatch } from "../src/api/patch/strategic-merge.js";

const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", labels: { app: "web" }, finalizers: ["a"] },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "app",
            image: "web:1",
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
            ports: [{ containerPort: 8080, protocol: "TCP" }],
            resources: { limits: { memory: "128Mi", cpu: "100m" } },
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
          { name: "sidecar", image: "proxy:1" },
        ],
        tolerations: [{ key: "k1", operator: "Exists" }],
        volumes: [{ name: "data", emptyDir: {} }],
      },
    },
  },
});

const frozen = <T>(v: T): T => {
  const deepFreeze = (o: any) => {
    if (o && typeof o === "object") {
      Object.freeze(o);
      Object.values(o).forEach(deepFreeze);
    }
  };
  deepFreeze(v);
  return v;
};

const throwsPatch = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof PatchError && message.test(err.message));

describe("applyJsonPatch", () => {
  it("replaces a nested container field without mutating the input", () => {
    const doc = frozen(deployment());
    const out: any = applyJsonPatch(doc, [
      { op: "replace", path: "/spec/template/spec/containers/0/resources/limits/memory", value: "256Mi" },
    ]);
    assert.equal(out.spec.template.spec.containers[0].resources.limits.memory, "256Mi");
    assert.equal(doc.spec.template.spec.containers[0]!.resources!.limits.memory, "128Mi");
    assert.notEqual(out.spec.template.spec.containers[1], doc.spec.template.spec.containers[1]);
  });

  it("supports add/remove/move/copy/test and '-' append", () => {
    const out: any = applyJsonPatch(deployment(), [
      { op: "test", path: "/spec/replicas", value: 3 },
      { op: "add", path: "/spec/template/spec/containers/-", value: { name: "c3", image: "x" } },
      { op: "add", path: "/spec/template/spec/tolerations/0", value: { key: "k0" } },
      { op: "remove", path: "/spec/template/spec/containers/1" },
      { op: "copy", from: "/metadata/labels", path: "/metadata/annotations" },
      { op: "move", from: "/spec/strategy/rollingUpdate", path: "/spec/ru" },
      { op: "add", path: "/metadata/labels/app.kubernetes.io~1name", value: "web" },
      { op: "add", path: "/metadata/labels/til~0de", value: "t" },
    ]);
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: any) => c.name),
      ["app", "c3"],
    );
    assert.deepEqual(
      out.spec.template.spec.tolerations.map((t: any) => t.key),
      ["k0", "k1"],
    );
    assert.deepEqual(out.metadata.annotations, { app: "web" });
    assert.deepEqual(out.spec.strategy, { type: "RollingUpdate" });
    assert.equal(out.spec.ru.maxSurge, "25%");
    assert.equal(out.metadata.labels["app.kubernetes.io/name"], "web");
    assert.equal(out.metadata.labels["til~de"], "t");
  });

  it("adds null values and replaces the root", () => {
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: "add", path: "/b", value: null }]), { a: 1, b: null });
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: "replace", path: "", value: { z: 1 } }]), { z: 1 });
  });

  it("test compares deeply regardless of key order", () => {
    assert.doesNotThrow(() => applyJsonPatch({ a: { x: 1, y: [1, 2] } }, [{ op: "test", path: "/a", value: { y: [1, 2], x: 1 } }]));
  });

  it("rejects failed tests, missing paths and bad operations with PatchError", () => {
    const doc = frozen(deployment());
    throwsPatch(
      () => applyJsonPatch(doc, [{ op: "test", path: "/spec/replicas", value: 4 }]),
      /the "test" operation failed at \/spec\/replicas/,
    );
    throwsPatch(() => applyJsonPatch(doc, [{ op: "add", path: "/spec/foo/0", value: 1 }]), /path \/spec\/foo\/0 not found/);
    throwsPatch(() => applyJsonPatch(doc, [{ op: "replace", path: "/spec/nope", value: 1 }]), /not found/);
    throwsPatch(() => applyJsonPatch(doc, [{ op: "remove", path: "/metadata/nope" }]), /not found/);
    throwsPatch(() => applyJsonPatch(doc, [{ op: "add", path: "/spec/template/spec/containers/5", value: {} }]), /out of bounds/);
    throwsPatch(() => applyJsonPatch(doc, [{ op: "replace", path: "/spec/template/spec/containers/-", value: {} }]), /invalid array index/);
    throwsPatch(
      () => applyJsonPatch(doc, [{ op: "replace", path: "/spec/template/spec/containers/01", value: {} }]),
      /invalid array index/,
    );
    throwsPatch(() => applyJsonPatch(doc, [{ op: "add", path: "/spec/x" }]), /missing "value"/);
    throwsPatch(() => applyJsonPatch(doc, [{ op: "frob", path: "/spec" }]), /unexpected kind/);
    throwsPatch(() => applyJsonPatch(doc, [{ op: "add", path: "spec", value: 1 }]), /invalid JSON pointer/);
    throwsPatch(() => applyJsonPatch(doc, [{ op: "move", from: "/spec", path: "/spec/x" }]), /own child/);
    throwsPatch(() => applyJsonPatch(doc, { op: "add" }), /must be an array/);
  });

  it("leaves the input untouched when a later operation fails", () => {
    const doc = deployment();
    assert.throws(() =>
      applyJsonPatch(doc, [
        { op: "replace", path: "/spec/replicas", value: 9 },
        { op: "test", path: "/spec/replicas", value: 3 },
      ]),
    );
    assert.equal(doc.spec.replicas, 3);
  });
});

describe("applyMergePatch", () => {
  it("merges objects, deletes with null and replaces lists", () => {
    const doc = frozen(deployment());
    const out: any = applyMergePatch(doc, {
      metadata: { labels: { app: null, tier: "fe" } },
      spec: { replicas: 5, template: { spec: { containers: [{ name: "only", image: "x" }] } } },
    });
    assert.deepEqual(out.metadata.labels, { tier: "fe" });
    assert.equal(out.spec.replicas, 5);
    assert.deepEqual(out.spec.template.spec.containers, [{ name: "only", image: "x" }]);
    assert.equal(out.spec.template.spec.tolerations.length, 1);
    assert.equal(doc.metadata.labels.app, "web");
  });

  it("replaces non-object values with objects and rejects non-object patches", () => {
    assert.deepEqual(applyMergePatch({ a: "x" }, { a: { b: 1, c: null } }), { a: { b: 1 } });
    throwsPatch(() => applyMergePatch({}, [1]), /must be a JSON object/);
    throwsPatch(() => applyMergePatch({}, null), /must be a JSON object/);
  });
});

describe("applyStrategicMergePatch", () => {
  const containers = (o: any) => o.spec.template.spec.containers;

  it("changes one container's image and memory limit while keeping the other container", () => {
    const doc = frozen(deployment());
    const out: any = applyStrategicMergePatch(doc, {
      spec: { template: { spec: { containers: [{ name: "app", image: "web:2", resources: { limits: { memory: "256Mi" } } }] } } },
    });
    assert.deepEqual(
      containers(out).map((c: any) => [c.name, c.image]),
      [
        ["app", "web:2"],
        ["sidecar", "proxy:1"],
      ],
    );
    assert.deepEqual(containers(out)[0].resources.limits, { memory: "256Mi", cpu: "100m" });
    assert.deepEqual(containers(out)[0].env, doc.spec.template.spec.containers[0]!.env);
    assert.equal(containers(doc)[0].image, "web:1");
  });

  it("adds and replaces env vars by name, deletes with null values", () => {
    const out: any = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "app",
                env: [
                  { name: "B", value: "two" },
                  { name: "C", value: "3" },
                ],
              },
            ],
          },
        },
      },
    });
    assert.deepEqual(containers(out)[0].env, [
      { name: "A", value: "1" },
      { name: "B", value: "two" },
      { name: "C", value: "3" },
    ]);
    const out2: any = applyStrategicMergePatch(out, {
      spec: {
        template: {
          spec: {
            containers: [{ name: "app", env: [{ name: "A", value: null, valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }] }],
          },
        },
      },
    });
    assert.deepEqual(containers(out2)[0].env[0], { name: "A", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } });
  });

  it("appends new containers in patch order and deletes with $patch: delete", () => {
    const out: any = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            containers: [
              { name: "z", image: "z" },
              { name: "sidecar", $patch: "delete" },
              { name: "y", image: "y" },
            ],
          },
        },
      },
    });
    assert.deepEqual(
      containers(out).map((c: any) => c.name),
      ["app", "z", "y"],
    );
  });

  it("replaces lists without a merge strategy (tolerations)", () => {
    const out: any = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }] } } },
    });
    assert.deepEqual(
      out.spec.template.spec.tolerations.map((t: any) => t.key),
      ["node.kubernetes.io/unreachable"],
    );
  });

  it("applies kubectl cordon's patch and label changes", () => {
    const node = frozen({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1", labels: { a: "1", b: "2" } },
      spec: { podCIDR: "10.0.0.0/24" },
    });
    const out: any = applyStrategicMergePatch(node, { spec: { unschedulable: true }, metadata: { labels: { a: null, c: "3" } } });
    assert.deepEqual(out.spec, { podCIDR: "10.0.0.0/24", unschedulable: true });
    assert.deepEqual(out.metadata.labels, { b: "2", c: "3" });
  });

  it("replaces the pod template like kubectl rollout undo ($patch: replace)", () => {
    const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "web:0" }] } };
    const out: any = applyStrategicMergePatch(deployment(), { spec: { template: { ...template, $patch: "replace" } } });
    assert.deepEqual(out.spec.template, template);
    assert.equal(out.spec.replicas, 3);
  });

  it("replaces a merge list with a {$patch: replace} element and a map with $patch: delete", () => {
    const out: any = applyStrategicMergePatch(deployment(), {
      metadata: { labels: { $patch: "delete" } },
      spec: { template: { spec: { containers: [{ name: "new", image: "n" }, { $patch: "replace" }] } } },
    });
    assert.deepEqual(containers(out), [{ name: "new", image: "n" }]);
    assert.deepEqual(out.metadata.labels, {});
  });

  it("merges ports by containerPort, volumeMounts by mountPath and service ports by port", () => {
    const out: any = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "app",
                ports: [{ containerPort: 8080, name: "http" }, { containerPort: 9090 }],
                volumeMounts: [{ mountPath: "/data", readOnly: true }],
              },
            ],
          },
        },
      },
    });
    assert.deepEqual(containers(out)[0].ports, [{ containerPort: 8080, protocol: "TCP", name: "http" }, { containerPort: 9090 }]);
    assert.deepEqual(containers(out)[0].volumeMounts, [{ name: "data", mountPath: "/data", readOnly: true }]);
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const svcOut: any = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9000 }] } });
    assert.deepEqual(svcOut.spec.ports, [{ port: 80, targetPort: 9000 }, { port: 443 }]);
  });

  it("treats finalizers as a set and supports $deleteFromPrimitiveList", () => {
    const out: any = applyStrategicMergePatch(deployment(), { metadata: { finalizers: ["b", "a", "b"] } });
    assert.deepEqual(out.metadata.finalizers, ["a", "b"]);
    const out2: any = applyStrategicMergePatch(out, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"], finalizers: ["c"] } });
    assert.deepEqual(out2.metadata.finalizers, ["b", "c"]);
  });

  it("merges conditions by type and ownerReferences by uid", () => {
    const pod = {
      metadata: { ownerReferences: [{ uid: "u1", name: "rs" }] },
      status: {
        conditions: [
          { type: "Ready", status: "False" },
          { type: "Initialized", status: "True" },
        ],
      },
    };
    const out: any = applyStrategicMergePatch(pod, {
      metadata: { ownerReferences: [{ uid: "u1", controller: true }] },
      status: {
        conditions: [
          { type: "Ready", status: "True" },
          { type: "PodScheduled", status: "True" },
        ],
      },
    });
    assert.deepEqual(out.metadata.ownerReferences, [{ uid: "u1", name: "rs", controller: true }]);
    assert.deepEqual(
      out.status.conditions.map((c: any) => `${c.type}=${c.status}`),
      ["Ready=True", "Initialized=True", "PodScheduled=True"],
    );
  });

  it("honours $setElementOrder and $retainKeys", () => {
    const out: any = applyStrategicMergePatch(deployment(), {
      spec: {
        strategy: { $retainKeys: ["type"], type: "Recreate" },
        template: {
          spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "app" }], containers: [{ name: "app", image: "web:3" }] },
        },
      },
    });
    assert.deepEqual(out.spec.strategy, { type: "Recreate" });
    assert.deepEqual(
      containers(out).map((c: any) => c.name),
      ["sidecar", "app"],
    );
    assert.equal(containers(out)[1].image, "web:3");
    assert.equal(
      Object.keys(out.spec.template.spec).some((k) => k.startsWith("$")),
      false,
    );
  });

  it("strips directives and nulls from values that are new", () => {
    const out: any = applyStrategicMergePatch(
      { spec: {} },
      {
        spec: {
          containers: [
            {
              name: "a",
              env: [
                { name: "X", value: "1" },
                { name: "Y", $patch: "delete" },
              ],
              image: null,
            },
          ],
        },
      },
    );
    assert.deepEqual(out.spec.containers, [{ name: "a", env: [{ name: "X", value: "1" }] }]);
  });

  it("rejects malformed patches with PatchError", () => {
    const doc = frozen(deployment());
    throwsPatch(
      () => applyStrategicMergePatch(doc, { spec: { template: { spec: { containers: [{ image: "x" }] } } } }),
      /does not contain declared merge key: name/,
    );
    throwsPatch(
      () => applyStrategicMergePatch(doc, { spec: { template: { spec: { containers: [{ $patch: "delete" }] } } } }),
      /merge key: name/,
    );
    throwsPatch(() => applyStrategicMergePatch(doc, { spec: { $patch: "frob" } }), /unknown patch type: "frob"/);
    throwsPatch(
      () => applyStrategicMergePatch(doc, { spec: { template: { spec: { containers: [{ name: "app", $patch: "nope" }] } } } }),
      /unknown patch type/,
    );
    throwsPatch(() => applyStrategicMergePatch(doc, { spec: { strategy: { $retainKeys: "type" } } }), /must be a list/);
    throwsPatch(() => applyStrategicMergePatch(doc, [{ op: "add" }]), /must be a JSON object/);
  });
});
