import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { headers } from "@nats-io/transport-node";
import { type EncodedHeaders, wireHeaders } from "../src/wire-headers.js";

describe("wireHeaders", () => {
  it("encodes byte for byte what nats-core's MsgHdrsImpl does", () => {
    const reference = headers();
    reference.set("Nats-Msg-Id", "kev_abc");
    reference.set("Vigil-Correlation-Id", "corr-1 ünïcode");
    reference.set("X-Empty", "");
    const ours = wireHeaders("kev_abc", { "Vigil-Correlation-Id": "corr-1 ünïcode", "X-Empty": "" });
    assert.deepEqual(Buffer.from(ours.encode()), Buffer.from((reference as unknown as EncodedHeaders).encode()));
    assert.equal(Buffer.from(wireHeaders(undefined, { A: "1" }).encode()).toString(), "NATS/1.0\r\nA: 1\r\n\r\n");
  });

  it("refuses names with ':' or controls and values with CR or LF", () => {
    assert.throws(() => wireHeaders("id\r\nX: y", undefined), { name: "InvalidHeaderError" });
    assert.throws(() => wireHeaders(undefined, { "A:B": "v" }), { name: "InvalidHeaderError" });
    assert.throws(() => wireHeaders(undefined, { "A B": "v" }), { name: "InvalidHeaderError" });
    assert.throws(() => wireHeaders(undefined, { A: "line\nbreak" }), { name: "InvalidHeaderError" });
  });
});
