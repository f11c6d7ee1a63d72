// runTool and its trimming, on their own: input validation that names the fields, errors that never throw,
// and JSON shrunk within the budget with a note naming every cut (newest events kept, a log's tail kept).
// The tools here are small definitions written for the test; the cluster tools are tested on the simulator.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { defineTool, runTool, toolInputJsonSchema, tools, trimToFit, ToolInputError, type ToolContext } from "../src/index.js";

// These tools read nothing from the context.
const noContext = {} as ToolContext;

const echo = defineTool({
  name: "echo",
  title: "Echo",
  description: "Returns its input",
  input: z.object({
    namespace: z.string().min(1).describe("a namespace"),
    count: z.number().int().min(1).max(10).default(3).describe("how many"),
  }),
  run: (_ctx, input) => Promise.resolve(input),
});

const event = (i: number, base = Date.UTC(2026, 0, 1)) => ({
  reason: `Reason${i}`,
  message: `event number ${i} with enough words to take some room in the output`,
  lastTimestamp: new Date(base + i * 60_000).toISOString(),
});

describe("runTool", () => {
  test("valid input runs the tool with defaults applied, untrimmed when small", async () => {
    const r = await runTool(echo, noContext, { namespace: "shop" });
    assert.deepEqual(r, { ok: true, data: { namespace: "shop", count: 3 }, trimmed: [], text: '{"namespace":"shop","count":3}' });
  });

  test("invalid input names every field, and the tool does not run", async () => {
    let ran = false;
    const tool = defineTool({ ...echo, run: () => ((ran = true), Promise.resolve(null)) });
    const r = await runTool(tool, noContext, { count: 50 });
    assert.equal(r.ok, false);
    assert.equal(ran, false);
    assert.match(r.error!, /^invalid input for echo: /);
    assert.match(r.error!, /namespace: Invalid input: expected string, received undefined/);
    assert.match(r.error!, /count: Too big: expected number to be <=10/);
    assert.equal(r.text, r.error);
    assert.equal((await runTool(tool, noContext, "not an object")).ok, false);
  });

  test("no arguments at all is an empty object", async () => {
    const optional = defineTool({
      ...echo,
      input: z.object({ node: z.string().optional() }),
      run: (_ctx, input) => Promise.resolve(input),
    });
    assert.deepEqual((await runTool(optional, noContext, undefined)).data, {});
    assert.deepEqual((await runTool(optional, noContext, null)).data, {});
  });

  test("a ToolInputError is the caller's message; any other error is 'tool failed', never a throw", async () => {
    const unknown = defineTool({ ...echo, run: () => Promise.reject(new ToolInputError("pod shop/x not found")) });
    assert.deepEqual(await runTool(unknown, noContext, { namespace: "shop" }), {
      ok: false,
      error: "pod shop/x not found",
      trimmed: [],
      text: "pod shop/x not found",
    });
    const broken = defineTool({
      ...echo,
      run: () => {
        throw new Error("connection refused");
      },
    });
    const r = await runTool(broken, noContext, { namespace: "shop" });
    assert.equal(r.error, "tool failed: connection refused");
  });

  test("an aborted call fails without running the tool", async () => {
    let ran = false;
    const tool = defineTool({ ...echo, run: () => ((ran = true), Promise.resolve(null)) });
    const r = await runTool(tool, noContext, { namespace: "shop" }, { signal: AbortSignal.abort() });
    assert.equal(r.ok, false);
    assert.match(r.error!, /^tool failed: /);
    assert.equal(ran, false);
  });

  test("a large answer is trimmed to maxChars with a note", async () => {
    const big = defineTool({ ...echo, run: () => Promise.resolve({ events: Array.from({ length: 240 }, (_, i) => event(i)) }) });
    const r = await runTool(big, noContext, { namespace: "shop" }, { maxChars: 4_000 });
    assert.equal(r.ok, true);
    assert.ok(r.text.length <= 4_000);
    assert.match(r.trimmed[0]!, /^events: \d+ of 240 omitted \(oldest\)$/);
    assert.ok(r.text.endsWith(`\n[trimmed to fit: ${r.trimmed.join("; ")}]`));
  });
});

describe("trimToFit", () => {
  test("keeps the newest of time-ordered arrays, whichever way they are sorted", () => {
    const ascending = Array.from({ length: 240 }, (_, i) => event(i));
    const up = trimToFit({ events: ascending }, 3_000);
    const keptUp = (up.data as { events: Array<{ reason: string }> }).events;
    assert.equal(keptUp.at(-1)!.reason, "Reason239");
    assert.ok(!keptUp.some((e) => e.reason === "Reason0"));
    assert.equal(up.trimmed[0], `events: ${240 - keptUp.length} of 240 omitted (oldest)`);

    const down = trimToFit({ events: [...ascending].reverse() }, 3_000);
    const keptDown = (down.data as { events: Array<{ reason: string }> }).events;
    assert.equal(keptDown[0]!.reason, "Reason239");
    assert.ok(down.text.length <= 3_000);
  });

  test("an unordered array keeps its head (the producer's ranking) and its last item", () => {
    const items = Array.from({ length: 100 }, (_, i) => `item ${i} ${"-".repeat(50)}`);
    const r = trimToFit({ items }, 1_500);
    const kept = (r.data as { items: string[] }).items;
    assert.ok(kept[0]!.startsWith("item 0 "));
    assert.ok(kept.at(-1)!.startsWith("item 99 "));
    assert.match(r.trimmed[0]!, /^items: \d+ of 100 omitted \(middle\)$/);
  });

  test("a log keeps its last lines, whole; a one-line string keeps its head", () => {
    const log = Array.from({ length: 2_000 }, (_, i) => `line ${i}`).join("\n");
    const r = trimToFit({ log, note: "y".repeat(5_000) }, 2_500);
    const data = r.data as { log: string; note: string };
    assert.ok(r.text.length <= 2_500);
    assert.match(data.log, /^line \d+\n[\s\S]*line 1999$/);
    assert.ok(data.note.startsWith("yyy") && data.note.endsWith("…"));
    assert.ok(r.trimmed.some((t) => /^log: first \d+ lines omitted \(\d+ of \d+ characters\), the last kept$/.test(t)));
    assert.ok(r.trimmed.some((t) => /^note: cut to \d+ of 5000 characters$/.test(t)));
  });

  test("deep nesting is cut below a depth, and says where", () => {
    type Nest = { name: string; child?: Nest; padding: string };
    let deep: Nest = { name: "leaf", padding: "p".repeat(100) };
    for (let i = 0; i < 30; i++) deep = { name: `level${i}`, child: deep, padding: "p".repeat(100) };
    const r = trimToFit(deep, 1_000);
    assert.ok(r.text.length <= 1_000);
    assert.ok(
      r.trimmed.some((t) => /^child(\.child)*: nested deeper than \d+ levels omitted$/.test(t)),
      r.trimmed.join("; "),
    );
  });

  test("small data is untouched; Dates become strings; too many notes are counted, not listed", () => {
    assert.deepEqual(trimToFit({ at: new Date(0) }, 100), {
      data: { at: "1970-01-01T00:00:00.000Z" },
      trimmed: [],
      text: '{"at":"1970-01-01T00:00:00.000Z"}',
    });
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field${i}`, "z".repeat(300)]));
    const r = trimToFit(wide, 6_000);
    assert.ok(r.text.length <= 6_000);
    assert.equal(r.trimmed.length, 9);
    assert.match(r.trimmed[8]!, /^\d+ more fields cut the same way$/);
  });

  test("what no step can shrink enough is cut as text, still within budget", () => {
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`key${i}`, i]));
    const r = trimToFit(wide, 300);
    assert.ok(r.text.length <= 300, `${r.text.length}`);
    assert.match(r.trimmed[0]!, /^output: cut to 300 of \d+ characters$/);
    assert.equal(trimToFit(wide, 10).text.length, 10);
  });
});

describe("toolInputJsonSchema", () => {
  test("is the input's JSON Schema without $schema: required fields, defaults, descriptions", () => {
    const schema = toolInputJsonSchema(echo);
    assert.equal(schema["$schema"], undefined);
    assert.equal(schema["type"], "object");
    assert.deepEqual(schema["required"], ["namespace"]);
    const props = schema["properties"] as Record<string, { description?: string; default?: unknown }>;
    assert.equal(props["namespace"]!.description, "a namespace");
    assert.equal(props["count"]!.default, 3);
  });

  test("every cluster tool describes every input field", () => {
    const cluster = [
      "describe_pod",
      "failure_events",
      "scheduling_analysis",
      "namespace_errors",
      "node_utilization",
      "rollout_history",
      "container_logs",
    ];
    for (const name of cluster) {
      const tool = tools.find((t) => t.name === name);
      assert.ok(tool, `${name} is in the registry`);
      assert.ok(tool.description.length > 80, `${name} has a description the model can choose by`);
      const props = toolInputJsonSchema(tool)["properties"] as Record<string, { description?: string }>;
      for (const [field, p] of Object.entries(props)) assert.ok(p.description, `${name}.${field} has a description`);
    }
  });
});
