import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import * as errors from "../src/index.js";
import {
  ConflictError,
  DeadlineExceededError,
  errorKindOf,
  InvalidInputError,
  NotFoundError,
  PermanentError,
  registerErrorClass,
  RetryableError,
  UnavailableError,
  VigilError,
} from "../src/index.js";

describe("errors: one closed hierarchy", () => {
  it("gives every class its kind, name, details, cause and (where it applies) retryAfterMs", () => {
    const cause = new Error("ECONNREFUSED");
    const down = new UnavailableError("NATS is down", { retryAfterMs: 5000, details: { server: "nats://x" }, cause });
    assert.equal(down.kind, "unavailable");
    assert.equal(down.name, "UnavailableError");
    assert.equal(down.message, "NATS is down");
    assert.deepEqual(down.details, { server: "nats://x" });
    assert.equal(down.cause, cause);
    assert.equal(down.retryAfterMs, 5000);
    assert.match(String(down.stack), /^UnavailableError: NATS is down/);

    const invalid = new InvalidInputError("bad");
    assert.equal(invalid.kind, "invalid_input");
    assert.equal(invalid.details, undefined);
    assert.equal(invalid.retryAfterMs, undefined);
    assert.equal("cause" in invalid, false, "no cause property unless one was given");

    const kinds = [
      new errors.InvalidInputError("x"),
      new errors.UnauthorizedError("x"),
      new errors.ForbiddenError("x"),
      new errors.NotFoundError("x"),
      new errors.ConflictError("x"),
      new errors.DeadlineExceededError("x"),
      new errors.UnavailableError("x"),
      new errors.RetryableError("x"),
      new errors.PermanentError("x"),
    ].map((e) => e.kind);
    assert.deepEqual(kinds, [
      "invalid_input",
      "unauthorized",
      "forbidden",
      "not_found",
      "conflict",
      "timeout",
      "unavailable",
      "retryable",
      "permanent",
    ]);
  });

  it("instanceof distinguishes the kinds and sees subclasses", () => {
    class InvalidWidgetError extends InvalidInputError {}
    registerErrorClass(InvalidWidgetError, "test:InvalidWidgetError");
    const widget = new InvalidWidgetError("bad widget");
    assert.ok(widget instanceof InvalidWidgetError);
    assert.ok(widget instanceof InvalidInputError);
    assert.ok(widget instanceof VigilError);
    assert.ok(widget instanceof Error);
    assert.equal(widget.name, "test:InvalidWidgetError");
    assert.ok(!(new InvalidInputError("x") instanceof InvalidWidgetError));
    assert.ok(!(new NotFoundError("x") instanceof ConflictError));
    assert.ok(!(new Error("x") instanceof VigilError));
    const notObjects: unknown[] = [null, "PermanentError", 42];
    for (const v of notObjects) assert.ok(!(v instanceof PermanentError));
    // A look-alike is not a member: no duck typing on `name` or `kind`.
    assert.ok(!(Object.assign(new Error("x"), { name: "PermanentError", kind: "permanent" }) instanceof PermanentError));
  });

  it("an unregistered subclass gets the ordinary instanceof, not its parent's", () => {
    class Unregistered extends RetryableError {}
    assert.ok(new Unregistered("x") instanceof Unregistered);
    assert.ok(new Unregistered("x") instanceof RetryableError);
    assert.ok(!(new RetryableError("x") instanceof Unregistered));
    assert.equal(new Unregistered("x").name, "RetryableError");
  });

  it("errorKindOf reads the kind of anything thrown", () => {
    assert.equal(errorKindOf(new DeadlineExceededError("slow")), "timeout");
    assert.equal(errorKindOf(new Error("x")), undefined);
    assert.equal(errorKindOf({ kind: "permanent" }), undefined);
    assert.equal(errorKindOf(undefined), undefined);
  });
});

describe("errors: a duplicate copy of the package", () => {
  // A second, independent copy of the sources, as npm leaves behind when two versions are installed.
  const dir = mkdtempSync(join(tmpdir(), "vigil-errors-copy-"));
  cpSync(new URL("../src", import.meta.url), dir, { recursive: true });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("agrees on instanceof both ways, but never across kinds", async () => {
    const copy = (await import(pathToFileURL(join(dir, "index.ts")).href)) as typeof errors;
    assert.notEqual(copy.PermanentError, PermanentError, "really a second copy");
    assert.ok(new copy.PermanentError("x") instanceof PermanentError);
    assert.ok(new PermanentError("x") instanceof copy.PermanentError);
    assert.ok(new copy.UnavailableError("x") instanceof VigilError);
    assert.ok(!(new copy.UnavailableError("x") instanceof RetryableError));
    assert.equal(errorKindOf(new copy.NotFoundError("x")), "not_found");
  });
});
