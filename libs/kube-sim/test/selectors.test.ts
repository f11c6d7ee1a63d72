import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SelectorError, labelSelectorFromObject, parseFieldSelector, parseLabelSelector, selectorToString } from "../src/api/selectors.js";

const throwsSelector = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof SelectorError && message.test(err.message));

const web = { app: "web", tier: "fe", env: "prod" };
const db = { app: "db", env: "dev" };

describe("parseLabelSelector", () => {
  const matches = (sel: string, labels: Record<string, string> | undefined) => parseLabelSelector(sel)(labels);

  it("matches everything for the empty string", () => {
    assert.equal(matches("", undefined), true);
    assert.equal(matches("   ", web), true);
  });

  it("supports equality, inequality and set operators", () => {
    assert.equal(matches("app=web", web), true);
    assert.equal(matches("app==web", db), false);
    assert.equal(matches("app!=web", db), true);
    assert.equal(matches("app!=web", web), false);
    assert.equal(matches("tier!=fe", db), true, "!= matches objects without the label");
    assert.equal(matches("env in (prod,staging)", web), true);
    assert.equal(matches("env in (prod,staging)", db), false);
    assert.equal(matches("env notin (prod)", db), true);
    assert.equal(matches("tier notin (fe)", db), true);
    assert.equal(matches("tier in (fe)", db), false);
  });

  it("supports existence, non-existence and AND with whitespace", () => {
    assert.equal(matches("tier", web), true);
    assert.equal(matches("tier", db), false);
    assert.equal(matches("!tier", db), true);
    assert.equal(matches(" app = web ,  env in ( prod , dev ) , !canary ", web), true);
    assert.equal(matches("app=web,env=dev", web), false);
    assert.equal(matches("app.kubernetes.io/name=web", { "app.kubernetes.io/name": "web" }), true);
    assert.equal(matches("app", undefined), false);
    assert.equal(matches("!app", undefined), true);
  });

  it("treats `a=` as an empty value and keywords as plain values after =", () => {
    assert.equal(matches("a=", { a: "" }), true);
    assert.equal(matches("a=", {}), false);
    assert.equal(matches("a=in", { a: "in" }), true);
  });

  it("supports the Gt/Lt operators of node selectors", () => {
    assert.equal(matches("gen>3", { gen: "4" }), true);
    assert.equal(matches("gen<3", { gen: "4" }), false);
    assert.equal(matches("gen>3", { gen: "x" }), false);
  });

  it("rejects invalid syntax like the API server", () => {
    throwsSelector(() => parseLabelSelector("app in prod"), /^unable to parse requirement: found 'prod', expected: '\('$/);
    throwsSelector(() => parseLabelSelector("=web"), /unable to parse requirement: found '=', expected: !, identifier, or 'end of string'/);
    throwsSelector(() => parseLabelSelector("app=web,"), /found 'end of string', expected: identifier after ','/);
    throwsSelector(() => parseLabelSelector("app=web tier=fe"), /found 'tier', expected: ',' or 'end of string'/);
    throwsSelector(() => parseLabelSelector("app in (a,b"), /found 'end of string', expected: ',' or '\)'/);
    throwsSelector(() => parseLabelSelector("app in ()"), /values set can't be empty/);
    throwsSelector(() => parseLabelSelector("-bad=x"), /unable to parse requirement: key: Invalid value: "-bad"/);
    throwsSelector(() => parseLabelSelector("app=-x-"), /a valid label must be an empty string/);
    throwsSelector(() => parseLabelSelector("gen>x"), /exactly one integer value/);
    throwsSelector(() => parseLabelSelector("app ! web"), /unable to parse requirement: found '!'/);
  });
});

describe("labelSelectorFromObject", () => {
  it("combines matchLabels and matchExpressions", () => {
    const m = labelSelectorFromObject({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "env", operator: "In", values: ["prod", "staging"] },
        { key: "tier", operator: "Exists" },
        { key: "canary", operator: "DoesNotExist" },
        { key: "zone", operator: "NotIn", values: ["b"] },
      ],
    });
    assert.equal(m(web), true);
    assert.equal(m({ ...web, canary: "true" }), false);
    assert.equal(m({ ...web, zone: "b" }), false);
    assert.equal(m(db), false);
  });

  it("null/undefined match nothing, {} matches everything", () => {
    assert.equal(labelSelectorFromObject(null)(web), false);
    assert.equal(labelSelectorFromObject(undefined)({}), false);
    assert.equal(labelSelectorFromObject({})(web), true);
    assert.equal(labelSelectorFromObject({ matchLabels: {} })(undefined), true);
  });

  it("rejects invalid operators and values", () => {
    throwsSelector(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "Equals", values: ["x"] }] }), /"Equals" is not a valid label selector operator/);
    throwsSelector(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }), /can't be empty/);
    throwsSelector(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }), /must be empty/);
  });
});

describe("selectorToString", () => {
  it("produces the canonical form sorted by key with sorted set values", () => {
    assert.equal(selectorToString({ matchLabels: { tier: "fe", app: "web" } }), "app=web,tier=fe");
    assert.equal(
      selectorToString({
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["b", "a"] },
          { key: "canary", operator: "DoesNotExist" },
          { key: "env", operator: "NotIn", values: ["dev"] },
          { key: "zone", operator: "Exists" },
        ],
      }),
      "app=web,!canary,env notin (dev),tier in (a,b),zone",
    );
    assert.equal(selectorToString({}), "");
  });

  it("round-trips through parseLabelSelector", () => {
    const sel = { matchLabels: { app: "web" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod"] }] };
    const m = parseLabelSelector(selectorToString(sel));
    assert.equal(m(web), true);
    assert.equal(m(db), false);
  });
});

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
    assert.equal(parseFieldSelector("events", "involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.uid=u1,involvedObject.kind=Pod")(ev), true);
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
    assert.equal(parseFieldSelector("jobs", "status.successful=1")({ status: { successful: 1 } }), true);
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
