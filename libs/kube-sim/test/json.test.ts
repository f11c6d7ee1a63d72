import { test } from "node:test";
import assert from "node:assert/strict";
import { clone, deepEqual } from "../src/json.js";

test("clone copies deeply: changing the copy leaves the original alone", () => {
  const original = {
    metadata: { labels: { app: "web" } },
    spec: { containers: [{ name: "app", env: [{ name: "A", value: "1" }] }] },
    n: 1,
    s: null,
  };
  const copy = clone(original);
  assert.deepEqual(copy, original);
  copy.spec.containers[0]!.env[0]!.value = "2";
  copy.metadata.labels.app = "api";
  assert.equal(original.spec.containers[0]!.env[0]!.value, "1");
  assert.equal(original.metadata.labels.app, "web");
});

test("deepEqual compares as JSON does: key order and undefined fields do not matter, arrays are ordered", () => {
  assert.ok(deepEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }));
  assert.ok(deepEqual({ a: 1, gone: undefined }, { a: 1 }));
  assert.ok(deepEqual({ a: 1 }, { a: 1, gone: undefined }));
  assert.ok(!deepEqual({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!deepEqual({ a: null }, { a: undefined }));
  assert.ok(!deepEqual({ a: {} }, { a: [] }));
  assert.ok(!deepEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!deepEqual({ a: "1" }, { a: 1 }));
});
