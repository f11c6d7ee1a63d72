import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from "@vigil/errors";
import {
  BusUnavailableError,
  HandlerTimeoutError,
  InvalidHeaderError,
  InvalidMessageError,
  PermanentError,
  PublishRejectedError,
  RetryableError,
  settlementOf,
} from "../src/index.js";

// The policy both consumers (ConsumerRunner, DelayedConsumer) apply to what a handler throws; the
// consumer tests show it end to end against nats-server, this lists it kind by kind.
describe("bus: how a failed delivery is settled, by error kind", () => {
  it("dead-letters permanent errors and invalid input, the bus's own included", () => {
    for (const err of [
      new PermanentError("no"),
      new InvalidInputError("bad"),
      new InvalidMessageError("schema"),
      new InvalidHeaderError("a:b"),
    ]) {
      assert.deepEqual(settlementOf(err), { action: "dead_letter" }, err.name);
    }
  });

  it("redelivers after the delay a retryable or unavailable error asks for", () => {
    assert.deepEqual(settlementOf(new RetryableError("busy", { retryAfterMs: 250 })), { action: "redeliver", delayMs: 250 });
    assert.deepEqual(settlementOf(new UnavailableError("db down", { retryAfterMs: 5000 })), { action: "redeliver", delayMs: 5000 });
  });

  it("redelivers with the consumer's back-off (no delay of its own) for everything else", () => {
    const others: unknown[] = [
      new RetryableError("busy"),
      new BusUnavailableError("down", "no_stream"),
      new HandlerTimeoutError(30_000),
      new PublishRejectedError("too big", 400, 10054),
      new NotFoundError("gone"),
      new ConflictError("raced"),
      new Error("bug"),
      "a string",
      null,
    ];
    for (const err of others) assert.deepEqual(settlementOf(err), { action: "redeliver", delayMs: undefined }, String(err));
  });

  it("honours a retryAfterMs hint on a plain thrown object, but only a sane one", () => {
    assert.deepEqual(settlementOf({ retryAfterMs: 5 }), { action: "redeliver", delayMs: 5 });
    assert.deepEqual(settlementOf({ retryAfterMs: -1 }), { action: "redeliver", delayMs: undefined });
    assert.deepEqual(settlementOf({ retryAfterMs: "5" }), { action: "redeliver", delayMs: undefined });
  });

  it("keeps the bus's error classes members of the hierarchy", () => {
    assert.ok(new BusUnavailableError("down") instanceof UnavailableError);
    assert.equal(new BusUnavailableError("down", "timeout").reason, "timeout");
    assert.equal(new HandlerTimeoutError(5).kind, "timeout");
    assert.equal(new InvalidMessageError("x").name, "InvalidMessageError");
    assert.ok(new InvalidMessageError("x") instanceof InvalidInputError);
  });
});
