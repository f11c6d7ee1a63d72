// Every shipped program variant this kernel can run compiles, attaches and says "ready", including
// the fallbacks for older kernels that the supervisor would not pick here.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TracerSupervisor, builtinTracers } from "../src/index.js";
import { variantLabel } from "../src/tracer-runner.js";
import { checkRequirements } from "../src/probes.js";
import { bpfSkipReason, silentLog } from "./fixtures.js";

for (const def of builtinTracers) {
  for (const variant of def.variants) {
    const label = `${def.name}: ${variantLabel(variant)}`;
    test(`program ${label} runs where its attach points exist`, async (t) => {
      const skip = await bpfSkipReason();
      if (skip) return t.skip(skip);
      const check = await checkRequirements("bpftrace", variant.requires, variant.btf ?? false);
      if (!check.ok) return t.skip(`not on this kernel: ${check.reason}`);
      const supervisor = new TracerSupervisor({ definitions: [{ ...def, variants: [variant] }], log: silentLog, onEvent: () => {} });
      t.after(() => supervisor.stop());
      await supervisor.start();
      const [status] = supervisor.status();
      assert.equal(status?.state, "running", JSON.stringify(status));
    });
  }
}
