import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { spawnSync } from "node:child_process";
import { z } from "zod";
import { ConfigError, loadConfig } from "../src/index.js";

const main = new URL("../../../services/webhook/src/main.ts", import.meta.url).pathname;

describe("service kit: configuration from the environment", () => {
  it("applies defaults and coerces numbers", () => {
    const c = loadConfig({ EXTRA_MS: z.coerce.number().default(5) }, { NATS_URL: "nats://nats:4222", PORT: "" }, { port: 8080 });
    assert.equal(c.PORT, 8080, "empty means unset");
    assert.equal(c.NATS_URL, "nats://nats:4222");
    assert.equal(c.LOG_LEVEL, "info");
    assert.equal(c.SHUTDOWN_TIMEOUT_MS, 25_000);
    assert.equal(c.EXTRA_MS, 5);
  });

  it("reports every problem at once, naming variables and values, hiding secrets", () => {
    const shape = { API_TOKEN: z.string().min(10), MODE: z.enum(["a", "b"]) };
    const err = (() => {
      try {
        loadConfig(shape, { PORT: "http", LOG_LEVEL: "loud", API_TOKEN: "short", MODE: "c" }, { port: 1 });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ConfigError);
    const keys = err.problems.map((p) => p.split(":")[0]).sort();
    assert.deepEqual(keys, ["API_TOKEN", "LOG_LEVEL", "MODE", "PORT"]);
    assert.match(err.message, /PORT: .*\(got "http"\)/);
    assert.match(err.message, /API_TOKEN: .*\(got \(hidden\)\)/);
    assert.doesNotMatch(err.message, /short/);
  });

  it("a credential inside a URL value is hidden in the error", () => {
    const shape = { DB_URL: z.string().startsWith("postgres://"), CALLBACK: z.url().endsWith("/hook") };
    const err = (() => {
      try {
        loadConfig(
          shape,
          { DB_URL: "postgresql://vigil:s3cr3t@db:5432/vigil", CALLBACK: "https://x.test/cb?password=hunter2&a=1" },
          { port: 1 },
        );
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /DB_URL: .*postgresql:\/\/vigil:\*\*\*@db:5432\/vigil/);
    assert.match(err.message, /CALLBACK: .*password=\*\*\*&a=1/);
    assert.doesNotMatch(err.message, /s3cr3t|hunter2/);
  });

  it("a service with bad configuration exits 78 with one message listing everything and what to do", () => {
    const res = spawnSync(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", main], {
      env: { ...process.env, PORT: "99999", WEBHOOK_FILTER: 'severity=~"(unclosed"', NATS_URL: "nats://127.0.0.1:1" },
      timeout: 20_000,
      encoding: "utf8",
    });
    assert.equal(res.status, 78, res.stderr);
    assert.match(res.stderr, /invalid configuration/);
    assert.match(res.stderr, /PORT/);
    assert.match(res.stderr, /WEBHOOK_FILTER/);
    assert.match(res.stderr, /README/);
  });
});
