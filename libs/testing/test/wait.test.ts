import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { freePort, waitFor } from "../src/index.js";

test("freePort returns a bindable port", async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("waitFor resolves with the first truthy value, retrying through errors", async () => {
  let calls = 0;
  const value = await waitFor(
    async () => {
      calls++;
      if (calls < 3) throw new Error("not yet");
      return calls >= 4 ? { calls } : undefined;
    },
    { intervalMs: 5 },
  );
  assert.deepEqual(value, { calls: 4 });
});

test("waitFor times out with the message and the last error", async () => {
  await assert.rejects(
    waitFor(
      () => {
        throw new Error("still booting");
      },
      { timeoutMs: 100, intervalMs: 10, message: "db never came up" },
    ),
    (err: Error) => err.message.startsWith("db never came up") && err.message.includes("last error: still booting"),
  );
});

test("waitFor times out with the last falsy value", async () => {
  await assert.rejects(
    waitFor(() => 0, { timeoutMs: 50, intervalMs: 10 }),
    /last value: 0/,
  );
});

test("waitFor is not stalled by a callback that hangs", async () => {
  const started = Date.now();
  await assert.rejects(
    waitFor(() => new Promise<boolean>(() => {}), { timeoutMs: 100, message: "hung" }),
    /hung .*callback hung/,
  );
  assert.ok(Date.now() - started < 1_000);
});
