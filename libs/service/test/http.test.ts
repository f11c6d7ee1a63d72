import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { InvalidInputError, NotFoundError, PermanentError, RetryableError, UnavailableError } from "@vigil/errors";
import { HttpError, type RunningService, sendData, startService } from "../src/index.js";

describe("service kit: HTTP surface every service gets", () => {
  let nats: NatsServerHandle;
  let svc: RunningService<unknown>;
  let url: string;
  let cacheHealthy = true;

  before(async () => {
    nats = await startNats();
    svc = await startService(
      {
        name: "kit-test",
        defaultPort: 0,
        streams: [],
        setup({ router, readiness }) {
          readiness.add("cache", () => cacheHealthy || "cache is warming up");
          router.get("/api/v1/echo/:word", (req, res) =>
            sendData(req, res, { word: req.params.word, correlationId: req.headers["x-correlation-id"] ?? null }),
          );
          router.get("/api/v1/teapot", () => {
            throw new HttpError("CONFLICT", "already brewing", { pot: 1 });
          });
          router.get("/api/v1/crash", async () => {
            throw new Error("secret internals");
          });
          const thrown: Record<string, Error> = {
            invalid: new InvalidInputError("bad widget", { details: { field: "size" } }),
            missing: new NotFoundError("no widget 7"),
            down: new UnavailableError("the database is down", { retryAfterMs: 2500 }),
            busy: new RetryableError("widget locked"),
            broken: new PermanentError("widget store is corrupt"),
          };
          router.get("/api/v1/widgets/:case", async (req) => {
            throw thrown[req.params.case] ?? new Error(`no case ${req.params.case}`);
          });
        },
      },
      { NATS_URL: nats.url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" },
    );
    url = `http://127.0.0.1:${svc.port}`;
  });
  after(async () => {
    await svc?.shutdown();
    await nats?.stop();
  });

  it("liveness, readiness with registered checks, and their details", async () => {
    assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: "ok" });
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready", checks: { nats: { ok: true }, cache: { ok: true } } });
    cacheHealthy = false;
    const notReady = await fetch(`${url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.deepEqual(((await notReady.json()) as { checks: unknown }).checks, {
      nats: { ok: true },
      cache: { ok: false, detail: "cache is warming up" },
    });
    cacheHealthy = true;
  });

  it("returns the data envelope, honours X-Request-ID and generates one otherwise", async () => {
    const res = await fetch(`${url}/api/v1/echo/hi`, { headers: { "x-request-id": "abc-1", "x-correlation-id": "inc_9" } });
    assert.equal(res.headers.get("x-request-id"), "abc-1");
    const body = (await res.json()) as { data: unknown; metadata: { requestId: string; timestamp: string } };
    assert.deepEqual(body.data, { word: "hi", correlationId: "inc_9" });
    assert.equal(body.metadata.requestId, "abc-1");
    const gen = await fetch(`${url}/api/v1/echo/x`, { headers: { "x-request-id": "bad id with spaces" } });
    assert.match(gen.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  it("renders HttpError and unexpected errors as envelopes without leaking internals", async () => {
    const conflict = await fetch(`${url}/api/v1/teapot`);
    assert.equal(conflict.status, 409);
    assert.deepEqual(((await conflict.json()) as { error: unknown }).error, {
      code: "CONFLICT",
      message: "already brewing",
      details: { pot: 1 },
    });
    const crash = await fetch(`${url}/api/v1/crash`);
    assert.equal(crash.status, 500);
    const text = await crash.text();
    assert.doesNotMatch(text, /secret internals/);
    assert.match(text, /INTERNAL_ERROR/);
  });

  it("maps every kind of the error hierarchy to its status, with Retry-After when the wait is known", async () => {
    const answer = async (c: string) => {
      const res = await fetch(`${url}/api/v1/widgets/${c}`);
      const body = (await res.json()) as { error: unknown; metadata: { requestId: string } };
      assert.equal(body.metadata.requestId, res.headers.get("x-request-id"));
      return { status: res.status, retryAfter: res.headers.get("retry-after"), error: body.error };
    };
    assert.deepEqual(await answer("invalid"), {
      status: 400,
      retryAfter: null,
      error: { code: "BAD_REQUEST", message: "bad widget", details: { field: "size" } },
    });
    assert.deepEqual(await answer("missing"), {
      status: 404,
      retryAfter: null,
      error: { code: "RESOURCE_NOT_FOUND", message: "no widget 7" },
    });
    assert.deepEqual(await answer("down"), {
      status: 503,
      retryAfter: "3",
      error: { code: "SERVICE_UNAVAILABLE", message: "the database is down" },
    });
    assert.deepEqual(await answer("busy"), {
      status: 503,
      retryAfter: null,
      error: { code: "SERVICE_UNAVAILABLE", message: "widget locked" },
    });
    assert.deepEqual(await answer("broken"), {
      status: 500,
      retryAfter: null,
      error: { code: "INTERNAL_ERROR", message: "widget store is corrupt" },
    });
    const unknown = await fetch(`${url}/api/v1/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(((await unknown.json()) as { error: unknown }).error, {
      code: "RESOURCE_NOT_FOUND",
      message: "no route for GET /api/v1/nothing-here",
    });
  });

  it("exposes process, HTTP and bus metrics", async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(text, /process_resident_memory_bytes/);
    assert.match(text, /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/echo\/:word",status_code="200"\}/);
    assert.match(text, /vigil_bus_connected 1/);
    assert.match(text, /vigil_service_info\{service="kit-test"/);
  });

  it("turns unready and refuses new connections on shutdown", async () => {
    const done = svc.shutdown("test");
    assert.equal(await done, true);
    await waitFor(
      async () =>
        fetch(`${url}/healthz`).then(
          () => false,
          () => true,
        ),
      { timeoutMs: 2000 },
    );
  });
});
