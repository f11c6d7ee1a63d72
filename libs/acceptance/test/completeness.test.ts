// The acceptance table covers the simulator: exactly one row per shipped scenario, so a new scenario cannot
// land without saying which alert it fires and what Vigil must conclude.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { SCENARIO_DIR } from "@vigil/kube-sim";
import { scenarioExpectations } from "../src/index.js";

test("one row per shipped simulator scenario, and none for a scenario that does not exist", () => {
  const shipped = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
  const rows = scenarioExpectations.map((r) => r.scenario).sort();
  assert.deepEqual(rows, shipped);
});
