// What a stack runs: the caller's options first, then the environment (what `npm start` users set), then the
// defaults; every bad variable reported at once. And the environment each service gets.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_PORTS, resolveStackOptions, serviceEnvironment } from "@vigil/stack";

const root = "/repo";

describe("resolveStackOptions", () => {
  test("defaults: data in <root>/.vigil, the simulator with oom-crashloop, the README's ports, pretty on a TTY", () => {
    const r = resolveStackOptions({ root }, {}, true);
    assert.equal(r.dataDir, "/repo/.vigil");
    assert.deepEqual(r.cluster, { kind: "simulator", scenario: "oom-crashloop", port: 0 });
    assert.deepEqual(r.ports, DEFAULT_PORTS);
    assert.equal(r.natsUrl, undefined);
    assert.equal(r.databaseUrl, undefined);
    assert.deepEqual([r.logFormat, r.color, r.logLevel, r.host, r.clock], ["pretty", true, "info", "127.0.0.1", "real"]);
    assert.equal(r.services.length, 7);
  });

  test("the environment moves everything; JSON when not a TTY; NO_COLOR", () => {
    const r = resolveStackOptions(
      { root },
      {
        VIGIL_DATA_DIR: "/data",
        NATS_URL: "nats://n:4222",
        DATABASE_URL: "postgres://u:p@db/vigil",
        VIGIL_SCENARIO: "bad-rollout-readiness",
        WEBHOOK_PORT: "9000",
        EBPF_INGEST_PORT: "0",
        PG_PORT: "5544",
        NATS_PORT: "4333",
        NO_COLOR: "",
      },
      false,
    );
    assert.deepEqual(
      [r.dataDir, r.natsUrl, r.databaseUrl, r.pgPort, r.natsPort],
      ["/data", "nats://n:4222", "postgres://u:p@db/vigil", 5544, 4333],
    );
    assert.deepEqual(r.cluster, { kind: "simulator", scenario: "bad-rollout-readiness", port: 0 });
    assert.equal(r.ports.webhook, 9000);
    assert.equal(r.ports["ebpf-ingest"], 0);
    assert.equal(r.ports.analyzer, 8081);
    assert.deepEqual([r.logFormat, r.color], ["json", false]);
  });

  test("a kubeconfig or in-cluster credentials replace the simulator", () => {
    assert.deepEqual(resolveStackOptions({ root }, { KUBECONFIG: "/k/config" }, false).cluster, { kind: "kubeconfig", path: "/k/config" });
    assert.deepEqual(resolveStackOptions({ root }, { KUBERNETES_SERVICE_HOST: "10.0.0.1" }, false).cluster, { kind: "in-cluster" });
  });

  test("options win over the environment", () => {
    const r = resolveStackOptions(
      {
        root,
        scenario: "healthy",
        ports: { webhook: 0 },
        logFormat: "quiet",
        natsUrl: "nats://mine:4222",
        clock: "virtual",
        services: ["webhook"],
      },
      { VIGIL_SCENARIO: "oom-crashloop", WEBHOOK_PORT: "9000", LOG_FORMAT: "json", NATS_URL: "nats://env:4222" },
      true,
    );
    assert.deepEqual(r.cluster, { kind: "simulator", scenario: "healthy", port: 0 });
    assert.equal(r.ports.webhook, 0);
    assert.deepEqual(
      [r.logFormat, r.logLevel, r.natsUrl, r.clock, r.services],
      ["quiet", "warn", "nats://mine:4222", "virtual", ["webhook"]],
    );
  });

  test("every bad variable at once, each with what it accepts", () => {
    assert.throws(
      () => resolveStackOptions({ root }, { WEBHOOK_PORT: "eighty", PG_PORT: "70000", LOG_FORMAT: "fancy" }, true),
      (err: Error) => {
        assert.match(err.message, /WEBHOOK_PORT: must be a port number from 0 \(a free one\) to 65535 \(got "eighty"\)/);
        assert.match(err.message, /PG_PORT: must be a port number/);
        assert.match(err.message, /LOG_FORMAT: must be one of pretty, json, quiet \(got "fancy"\)/);
        return true;
      },
    );
  });
});

describe("serviceEnvironment", () => {
  const wiring = {
    natsUrl: "nats://127.0.0.1:4222",
    databaseUrl: "postgres://vigil:vigil@127.0.0.1:5433/vigil",
    kubeconfig: "/repo/.vigil/kubeconfig",
    port: 8083,
  };

  test("the stack's wiring over the user's environment, JSON logs, the shipped policy, the caller's extras last", () => {
    const r = resolveStackOptions({ root }, {}, true);
    const env = serviceEnvironment("executor", r, { PATH: "/bin", LOG_FORMAT: "pretty", NATS_URL: "nats://elsewhere" }, wiring, {
      EXECUTOR_MODE: "live",
    });
    assert.equal(env.PATH, "/bin");
    assert.deepEqual(
      [env.NATS_URL, env.DATABASE_URL, env.KUBECONFIG, env.PORT, env.HOST, env.LOG_FORMAT, env.LOG_LEVEL],
      [wiring.natsUrl, wiring.databaseUrl, wiring.kubeconfig, "8083", "127.0.0.1", "json", "info"],
    );
    assert.equal(env.EXECUTOR_POLICY_FILE, "/repo/deploy/executor/policy.yaml");
    assert.equal(env.EXECUTOR_MODE, "live");
    assert.equal(env.SHUTDOWN_TIMEOUT_MS, "8000");
  });

  test("the user's policy file is kept; ebpf-ingest's gRPC port is free when its HTTP port is", () => {
    const r = resolveStackOptions({ root, ports: { "ebpf-ingest": 0 } }, {}, true);
    assert.equal(serviceEnvironment("effectiveness", r, { EXECUTOR_POLICY_FILE: "/p.yaml" }, wiring).EXECUTOR_POLICY_FILE, "/p.yaml");
    assert.equal(serviceEnvironment("ebpf-ingest", r, {}, wiring).INGEST_GRPC_PORT, "0");
    assert.equal(serviceEnvironment("webhook", r, {}, wiring).EXECUTOR_POLICY_FILE, undefined);
    const fixed = resolveStackOptions({ root }, {}, true);
    assert.equal(serviceEnvironment("ebpf-ingest", fixed, {}, wiring).INGEST_GRPC_PORT, undefined);
  });
});
