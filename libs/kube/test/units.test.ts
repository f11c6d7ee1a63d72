// Pure helpers: quantities and label selectors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SelectorError } from "@vigil/contracts";
import { bytesOf, compileSelector, cpuCores, parseQuantity, selectorMatches } from "../src/index.js";

describe("quantities", () => {
  it("parses CPU to cores and memory to bytes", () => {
    assert.equal(cpuCores("250m"), 0.25);
    assert.equal(cpuCores("80000000n"), 0.08);
    assert.equal(cpuCores("1234567n"), 0.001234567);
    assert.equal(cpuCores("2"), 2);
    assert.equal(cpuCores("1.5"), 1.5);
    assert.equal(bytesOf("64Mi"), 64 * 1024 * 1024);
    assert.equal(bytesOf("102400Ki"), 100 * 1024 * 1024);
    assert.equal(bytesOf("1G"), 1e9);
    assert.equal(bytesOf("1.5Gi"), 1.5 * 2 ** 30);
    assert.equal(bytesOf("1e3"), 1000);
    assert.equal(parseQuantity(7), 7);
    assert.throws(() => parseQuantity("12 apples"), /invalid quantity "12 apples"/);
  });
});

describe("label selectors", () => {
  const web = { app: "web", tier: "frontend" };
  // The parser itself is @vigil/contracts' (tested there); these are the three input shapes this lib accepts.
  it("selector strings as kubectl -l takes them", () => {
    assert.equal(compileSelector("tier in (frontend, edge),!canary").matches(web), true);
    assert.equal(compileSelector("").matches(undefined), true);
    assert.throws(() => compileSelector("app=(web"), SelectorError);
  });
  it("metav1.LabelSelector objects and plain maps", () => {
    assert.equal(
      compileSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["frontend"] }] }).matches(
        web,
      ),
      true,
    );
    assert.equal(compileSelector({ matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] }).matches(web), true);
    assert.equal(compileSelector({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["frontend"] }] }).matches(web), false);
    assert.equal(compileSelector({ app: "web" }).matches(web), true);
    assert.equal(compileSelector({ app: "api" }).matches(web), false);
    assert.equal(selectorMatches(undefined, web), false, "no selector selects nothing");
    assert.equal(selectorMatches({}, web), true, "an empty selector selects everything");
    assert.throws(
      () => compileSelector({ matchExpressions: [{ key: "a", operator: "Gt" }] }),
      /"Gt" is not a valid label selector operator/,
    );
  });
});
