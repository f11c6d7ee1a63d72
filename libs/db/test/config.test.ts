import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { checkDatabaseConfig, databaseConfigShape, databaseOptionsFromConfig, redactUrl, sql } from "../src/index.js";
import { capturingLog, openDatabase, testDatabase } from "./helpers.js";

const parse = (env: Record<string, string>) => z.object(databaseConfigShape).safeParse(env);

describe("db: configuration", () => {
  it("DATABASE_URL is required and must be a postgres URL; the rest has defaults", () => {
    const missing = parse({});
    assert.equal(missing.success, false);
    assert.deepEqual(
      missing.error?.issues.map((i) => i.path.join(".")),
      ["DATABASE_URL"],
    );
    assert.match(
      parse({ DATABASE_URL: "mysql://x@y/z" }).error?.issues[0]?.message ?? "",
      /must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );

    const ok = parse({ DATABASE_URL: "postgresql://vigil@db:5432/vigil" });
    assert.ok(ok.success);
    assert.deepEqual(databaseOptionsFromConfig(ok.data), {
      url: "postgresql://vigil@db:5432/vigil",
      poolMax: 10,
      statementTimeoutMs: 30_000,
      connectTimeoutMs: 5_000,
      ssl: undefined,
      sslRootCert: undefined,
    });
    assert.deepEqual(checkDatabaseConfig(ok.data), []);
    const bad = parse({ DATABASE_URL: "postgres://db/v", DATABASE_POOL_MAX: "0", DATABASE_SSL: "prefer" });
    assert.deepEqual(bad.error?.issues.map((i) => i.path.join(".")).sort(), ["DATABASE_POOL_MAX", "DATABASE_SSL"]);
  });

  it("TLS is set in one place only, and a root certificate needs a verifying mode and an existing file", () => {
    const config = (env: Record<string, string>) => parse({ DATABASE_URL: "postgres://db/v", ...env }).data!;
    assert.deepEqual(checkDatabaseConfig(config({ DATABASE_URL: "postgres://db/v?sslmode=require", DATABASE_SSL: "verify-full" })), [
      "DATABASE_SSL: set TLS either here or in DATABASE_URL, not both (the URL has sslmode)",
    ]);
    assert.deepEqual(checkDatabaseConfig(config({ DATABASE_SSL: "require", DATABASE_SSL_ROOT_CERT: "/etc/ca.pem" })), [
      "DATABASE_SSL_ROOT_CERT: only used with DATABASE_SSL=verify-ca or verify-full (got require)",
    ]);
    assert.deepEqual(checkDatabaseConfig(config({ DATABASE_SSL: "verify-full", DATABASE_SSL_ROOT_CERT: "/nonexistent/ca.pem" })), [
      'DATABASE_SSL_ROOT_CERT: no such file "/nonexistent/ca.pem"',
    ]);
  });

  it("redactUrl hides passwords wherever the URL carries them", () => {
    assert.equal(redactUrl("postgres://vigil:s3cret@db:5432/vigil"), "postgres://vigil:***@db:5432/vigil");
    assert.equal(
      redactUrl("postgres://vigil@db/vigil?password=s3cret&sslmode=require"),
      "postgres://vigil@db/vigil?password=***&sslmode=require",
    );
    assert.equal(redactUrl("not a url"), "(unparseable URL)");
  });

  it("the password never reaches the logs, and a TLS mode the server cannot do is a clear readiness reason", async (t) => {
    const { server } = await testDatabase(t);
    const withPassword = new URL(server.url);
    withPassword.username = "vigil";
    withPassword.password = "s3cret-pass"; // the throwaway cluster trusts local connections: any password works
    const { log, lines } = capturingLog("debug");
    const { db } = openDatabase(withPassword.toString(), { log, ssl: "disable" });
    assert.deepEqual(await db.one(sql`SELECT current_setting('application_name') AS app`, z.object({ app: z.string() })), {
      app: "vigil-db-test",
    });
    await assert.rejects(db.execute(sql`SELECT * FROM missing_table`));
    await db.close();
    assert.ok(lines.length > 0);
    assert.ok(
      lines.every((l) => !JSON.stringify(l).includes("s3cret-pass")),
      "no log line carries the password",
    );
    assert.ok(
      lines.some((l) => String(l["database"]).includes(":***@")),
      "logs name the database, redacted",
    );

    const { db: tls } = openDatabase(server.url, { ssl: "require" });
    t.after(() => tls.close());
    assert.match(String(await tls.ready()), /^PostgreSQL unavailable: .*does not support SSL/);
  });
});
