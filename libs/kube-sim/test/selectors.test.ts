import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SelectorError } from "@vigil/contracts";
import { parseFieldSelector } from "../src/api/selectors.js";

const throwsSelector = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof SelectorError && message.test(err.message));

describe("parseFieldSelector", () => {
  const pod = {
    metadata: { name: "web-1", namespace: "default" },
    spec: { nodeName: "node-1", restartPolicy: "Always", schedulerName: "default-scheduler", serviceAccountName: "default" },
    status: { phase: "Running", podIP: "10.0.0.5" },
  };

  it("matches the pod fields kubectl uses (describe node, drain)", () => {
    assert.equal(parseFieldSelector("pods", "spec.nodeName=node-1,status.phase!=Failed,status.phase!=Succeeded")(pod), true);
    assert.equal(parseFieldSelector("pods", "spec.nodeName==node-2")(pod), false);
    assert.equal(parseFieldSelector("pods", "metadata.name=web-1")(pod), true);
    assert.equal(parseFieldSelector("pods", "metadata.namespace!=default")(pod), false);
    assert.equal(parseFieldSelector("pods", "status.nominatedNodeName=")(pod), true, "missing fields compare as empty");
    assert.equal(parseFieldSelector("pods", "spec.hostNetwork=false")(pod), true, "absent bools read as false, as in Go");
    assert.equal(parseFieldSelector("pods", "spec.hostNetwork=true")({ ...pod, spec: { ...pod.spec, hostNetwork: true } }), true);
    assert.equal(parseFieldSelector("pods", "")(pod), true);
  });

  it("supports event fields, including source", () => {
    const ev = {
      metadata: { name: "web-1.abc", namespace: "default" },
      involvedObject: { kind: "Pod", name: "web-1", namespace: "default", uid: "u1" },
      reason: "Scheduled",
      source: { component: "default-scheduler" },
      type: "Normal",
    };
    assert.equal(
      parseFieldSelector(
        "events",
        "involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.uid=u1,involvedObject.kind=Pod",
      )(ev),
      true,
    );
    assert.equal(parseFieldSelector("events", "source=default-scheduler,type=Normal,reason=Scheduled")(ev), true);
    assert.equal(parseFieldSelector("events", "type!=Normal")(ev), false);
  });

  it("supports node, secret, namespace, replicaset and job fields with Go zero values", () => {
    assert.equal(parseFieldSelector("nodes", "spec.unschedulable=false")({ spec: {} }), true);
    assert.equal(parseFieldSelector("nodes", "spec.unschedulable=true")({ spec: { unschedulable: true } }), true);
    assert.equal(parseFieldSelector("secrets", "type=kubernetes.io/tls")({ type: "kubernetes.io/tls" }), true);
    assert.equal(parseFieldSelector("namespaces", "status.phase=Active")({ status: { phase: "Active" } }), true);
    assert.equal(parseFieldSelector("replicasets", "status.replicas=0")({ status: {} }), true);
    assert.equal(parseFieldSelector("replicationcontrollers", "status.replicas=2")({ status: { replicas: 2 } }), true);
    // The label is status.successful; its value is the Job's status.succeeded (JobToSelectableFields).
    assert.equal(parseFieldSelector("jobs", "status.successful=1")({ status: { succeeded: 1 } }), true);
    assert.equal(parseFieldSelector("jobs", "status.successful=0")({ status: { succeeded: 1 } }), false);
  });

  it("unescapes \\, \\= and \\\\ in values", () => {
    assert.equal(parseFieldSelector("pods", "metadata.name=a\\,b")({ metadata: { name: "a,b" } }), true);
    assert.equal(parseFieldSelector("pods", "metadata.name=a\\=b\\\\")({ metadata: { name: "a=b\\" } }), true);
  });

  it("rejects unsupported fields and bad syntax", () => {
    throwsSelector(() => parseFieldSelector("pods", "spec.unschedulable=true"), /^field label not supported: spec.unschedulable$/);
    throwsSelector(() => parseFieldSelector("deployments", "spec.replicas=1"), /field label not supported: spec.replicas/);
    throwsSelector(() => parseFieldSelector("pods", "spec.nodeName"), /invalid selector: 'spec.nodeName'/);
    throwsSelector(() => parseFieldSelector("pods", "metadata.name=a\\x"), /invalid escape sequence/);
  });
});
