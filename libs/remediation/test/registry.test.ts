// The registry covers the catalog: every action the investigator may propose has an implementation, and nothing is
// implemented that the catalog does not describe.
import assert from "node:assert/strict";
import { test } from "node:test";
import { actionNames } from "@vigil/contracts";
import { actionImplementations, implementationOf, unimplementedActions } from "../src/index.js";

test("every catalog action has exactly one implementation, registered under its own name", () => {
  assert.deepEqual(unimplementedActions(), []);
  assert.equal(actionImplementations.size, actionNames.length);
  for (const name of actionNames) assert.equal(implementationOf(name).name, name);
  assert.ok(actionNames.length >= 25, "at least 25 actions with a real effect (issue #16)");
});

test("an unknown action is refused loudly, never a silent no-op", () => {
  assert.throws(() => implementationOf("reset_service_mesh" as never), /has no implementation/);
});
