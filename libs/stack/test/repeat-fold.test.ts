// A burst of one event from one service is one line on a terminal; anything else passes through in order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RepeatFolder } from "@vigil/stack";

const event = (msg: string, fields: Record<string, unknown> = {}, level = "info") =>
  JSON.stringify({ level, time: "2026-11-22T05:00:00.000Z", service: "vigil-analyzer", msg, ...fields });

function folder(format: "pretty" | "json" = "pretty") {
  const out: string[] = [];
  // A window no test waits for: lines are released by the next different line or by flush().
  const f = new RepeatFolder({ format, color: false }, (line) => line !== undefined && out.push(line), 60_000);
  return { f, out };
}

test("the same message of one service folds into one line with the count and the values that varied", () => {
  const { f, out } = folder();
  for (const kind of ["Pod", "Node", "Event"]) f.push("analyzer", event("cache synced", { kind, objects: 2 }));
  f.push("analyzer", event("consumer started"));
  f.flush();
  assert.equal(out.length, 2);
  assert.match(out[0]!, /analyzer {6}INFO {2}cache synced ×3 {2}kind=Pod,Node,Event objects=2$/);
  assert.match(out[1]!, /INFO {2}consumer started$/);
});

test("services fold separately; a different level, a plain line or flush() ends a burst", () => {
  const { f, out } = folder();
  f.push("analyzer", event("cache synced", { kind: "Pod" }));
  f.push("executor", event("cache synced", { kind: "Pod" }));
  f.push("analyzer", event("cache synced", { kind: "Node" }));
  f.push("analyzer", event("cache synced", { kind: "Job" }, "warn"));
  f.push("executor", "a plain line");
  f.flush();
  assert.deepEqual(
    out.map((l) => l.slice(13)),
    [
      "analyzer      INFO  cache synced ×2  kind=Pod,Node",
      "executor      INFO  cache synced  kind=Pod",
      "executor      | a plain line",
      "analyzer      WARN  cache synced  kind=Job",
    ],
  );
});

test("JSON output is never folded", () => {
  const { f, out } = folder("json");
  f.push("analyzer", event("cache synced", { kind: "Pod" }));
  f.push("analyzer", event("cache synced", { kind: "Node" }));
  f.flush();
  assert.equal(out.length, 2);
  assert.equal(JSON.parse(out[1]!).kind, "Node");
});
