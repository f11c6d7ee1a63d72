// The investigator's configuration: every problem reported at once, with the variable it concerns, before
// anything starts (no NATS is needed to be told the environment is wrong); and what a valid one becomes.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ConfigError, loadConfig, startService } from "@vigil/service";
import { makeTempDir, type TempDir } from "@vigil/testing";
import { investigatorConfigShape, investigatorService } from "../src/index.js";
import { llmSettingsFrom } from "../src/config.js";

/** The problems startService reports for `env`, which must be a ConfigError. */
async function problemsOf(env: Record<string, string>): Promise<string[]> {
  try {
    await startService(investigatorService, { NATS_URL: "nats://127.0.0.1:1", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail("the service started with an invalid configuration");
}

describe("investigator configuration", () => {
  let dir: TempDir;
  before(async () => {
    dir = await makeTempDir("investigator-config");
  });
  after(async () => {
    await dir?.remove();
  });

  it("lists every invalid variable at once", async () => {
    const problems = await problemsOf({
      LLM_TEMPERATURE: "5",
      LLM_BUDGET_TIME: "soon",
      LLM_PRICES: "{not json",
      INVESTIGATOR_MASK_PATTERNS: JSON.stringify([{ name: "account-id", regex: "(" }]),
      INVESTIGATOR_CONCURRENCY: "0",
      CALIBRATION_TARGET_SUCCESS: "1.5",
    });
    for (const name of [
      "LLM_TEMPERATURE",
      "LLM_BUDGET_TIME",
      "LLM_PRICES",
      "INVESTIGATOR_MASK_PATTERNS",
      "INVESTIGATOR_CONCURRENCY",
      "CALIBRATION_TARGET_SUCCESS",
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(`${name}:`)),
        `${name} missing from ${JSON.stringify(problems)}`,
      );
    }
    assert.match(
      problems.find((p) => p.startsWith("LLM_BUDGET_TIME"))!,
      /not a duration/,
    );
    assert.match(
      problems.find((p) => p.startsWith("INVESTIGATOR_MASK_PATTERNS"))!,
      /invalid regular expression/,
    );
  });

  it("a model provider without a model, and every problem of a rules file, are listed together", async () => {
    const file = join(dir.path, "rules.yaml");
    writeFileSync(
      file,
      [
        "rules:",
        "  - id: Bad_Id",
        "    when: { mainFinding: [POD_OOM_KILLED] }",
        "    then: { kind: action, action: restart_pod, confidence: 0.8, reasoning: restart }",
        "  - id: unknown-action",
        "    when: { mainFinding: [POD_CRASH_LOOP] }",
        "    then: { kind: action, action: reboot_the_world, confidence: 0.8, reasoning: reboot }",
      ].join("\n"),
    );
    const problems = await problemsOf({ LLM_PROVIDER: "openai", INVESTIGATOR_RULES_FILE: file });
    assert.ok(
      problems.some((p) => p.startsWith("LLM_MODEL:")),
      JSON.stringify(problems),
    );
    const rules = problems.filter((p) => p.startsWith("INVESTIGATOR_RULES_FILE:"));
    assert.ok(
      rules.some((p) => p.includes("Bad_Id")),
      JSON.stringify(rules),
    );
    assert.ok(
      rules.some((p) => p.includes("unknown-action") && p.includes("reboot_the_world")),
      JSON.stringify(rules),
    );
  });

  it("a valid environment: durations in ms, prices merged over the built-in table (a file with @), rules only by default", () => {
    const prices = join(dir.path, "prices.json");
    writeFileSync(
      prices,
      JSON.stringify({ "my-model": { inputPerMTokUsd: 1, outputPerMTokUsd: 3 }, "gpt-4o": { inputPerMTokUsd: 9, outputPerMTokUsd: 9 } }),
    );
    const config = loadConfig(
      investigatorConfigShape,
      { LLM_PROVIDER: "OpenAI", LLM_MODEL: "my-model", LLM_BUDGET_TIME: "90s", LLM_PRICES: `@${prices}` },
      { port: 8082 },
    );
    const settings = llmSettingsFrom(config);
    assert.ok(settings);
    assert.equal(settings.provider, "openai");
    assert.equal(settings.budget.maxWallMs, 90_000);
    assert.equal(settings.requestTimeoutMs, 60_000);
    assert.deepEqual(settings.budget, { maxTokens: 150_000, maxWallMs: 90_000, maxCostUsd: 0.5 });
    assert.deepEqual(settings.prices["my-model"], { inputPerMTokUsd: 1, outputPerMTokUsd: 3 });
    assert.deepEqual(settings.prices["gpt-4o"], { inputPerMTokUsd: 9, outputPerMTokUsd: 9 }, "the operator's entry wins");
    assert.ok(settings.prices["gpt-4o-mini"], "built-in entries stay");

    const defaults = loadConfig(investigatorConfigShape, {}, { port: 8082 });
    assert.equal(defaults.PORT, 8082);
    assert.equal(defaults.LLM_PROVIDER, "none");
    assert.equal(llmSettingsFrom(defaults), undefined);
    assert.equal(defaults.INVESTIGATOR_MASK_NAMES, false);
  });
});
