// Label selectors, the one parser and matcher (libs/kube's local filtering, kube-sim's API server, controllers
// and scheduler), with the API server's syntax, semantics and error messages.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LabelSelector, SelectorError, labelSelectorFromObject, parseLabelSelector, selectorToString } from "../src/index.js";

const throwsSelector = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof SelectorError && message.test(err.message));

const web = { app: "web", tier: "fe", env: "prod" };
const db = { app: "db", env: "dev" };

describe("parseLabelSelector", () => {
  const matches = (sel: string, labels: Record<string, string> | undefined) => parseLabelSelector(sel).matches(labels);

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

  it("selector strings as libs/kube's callers write them (kubectl -l)", () => {
    const frontend = { app: "web", tier: "frontend" };
    assert.equal(parseLabelSelector("app=web").matches(frontend), true);
    assert.equal(parseLabelSelector("app==web,tier!=backend").matches(frontend), true);
    assert.equal(parseLabelSelector("tier in (frontend, edge),!canary").matches(frontend), true);
    assert.equal(parseLabelSelector("tier notin (frontend)").matches(frontend), false);
    assert.equal(parseLabelSelector("canary").matches(frontend), false);
    assert.equal(parseLabelSelector("tier!=x").matches(undefined), true, "negative terms match objects without the label");
    assert.equal(parseLabelSelector("").matches(undefined), true);
    throwsSelector(() => parseLabelSelector("app=(web"), /unable to parse requirement/);
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
    assert.equal(m.matches(web), true);
    assert.equal(m.matches({ ...web, canary: "true" }), false);
    assert.equal(m.matches({ ...web, zone: "b" }), false);
    assert.equal(m.matches(db), false);
  });

  it("null/undefined match nothing, {} matches everything", () => {
    assert.equal(labelSelectorFromObject(null).matches(web), false);
    assert.equal(labelSelectorFromObject(undefined).matches({}), false);
    assert.equal(labelSelectorFromObject({}).matches(web), true);
    assert.equal(labelSelectorFromObject({ matchLabels: {} }).matches(undefined), true);
  });

  it("rejects invalid operators and values", () => {
    throwsSelector(
      () => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "Equals", values: ["x"] }] }),
      /"Equals" is not a valid label selector operator/,
    );
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
    assert.equal(m.matches(web), true);
    assert.equal(m.matches(db), false);
  });
});

describe("LabelSelector", () => {
  it("nothing and everything, as a missing and an empty metav1.LabelSelector select", () => {
    assert.equal(LabelSelector.nothing.matches(web), false);
    assert.equal(LabelSelector.everything.matches(undefined), true);
  });
  it("looks at own labels only", () => {
    assert.equal(parseLabelSelector("constructor").matches({}), false);
    assert.equal(parseLabelSelector("!toString").matches(web), true);
  });
});
