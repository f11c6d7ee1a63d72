import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { writeJsonArray } from "../src/json-array-response.js";

/** Serves `items` through writeJsonArray on a real HTTP server and returns the response. */
async function serve(items: Array<{ value: string }>, chunkBytes?: number): Promise<Response> {
  const server = createServer((_req, res) => writeJsonArray(res, items, chunkBytes));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    return await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`).then(async (r) => new Response(await r.text(), r));
  } finally {
    server.close();
  }
}

describe("writeJsonArray", () => {
  it("writes stored JSON texts as one array, across chunk boundaries", async () => {
    const values = Array.from({ length: 500 }, (_, i) => ({ id: i, text: "é".repeat(i % 50), nested: { ok: i % 2 === 0 } }));
    const res = await serve(
      values.map((v) => ({ value: JSON.stringify(v) })),
      1024,
    );
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await res.json(), values);
  });

  it("an empty window is an empty array", async () => {
    assert.deepEqual(await (await serve([])).json(), []);
  });
});
