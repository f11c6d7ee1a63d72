// The CLI's parts that need no running Vigil: argument parsing and usage errors, help, exit codes, configuration,
// the table renderer and target parsing. runCli runs in-process with its streams captured; requests go to port 1,
// where nothing listens, so a command that should have failed before any request would show exit 3 instead of 2.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, UnavailableError } from "@vigil/errors";
import { ExitCode, exitCodeOf, parseTarget, renderTable, runCli } from "../src/index.js";
import { loadConfig, serviceNames, urlEnvOf } from "../src/config.js";
import { findLocalStack } from "../src/local-stack.js";
import { colorWanted, makePaint } from "../src/paint.js";

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  // Never the default ports: a Vigil started on this machine (npm start) would answer there.
  const nowhere = Object.fromEntries(serviceNames.map((s) => [urlEnvOf(s), "http://127.0.0.1:1"]));
  const code = await runCli(args, {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { ...nowhere, NATS_URL: "nats://127.0.0.1:1", VIGIL_TIMEOUT_MS: "2000", ...env },
  });
  return { code, stdout: out, stderr: err };
}

describe("vigil usage", () => {
  it("--help lists every command, the flags and the exit codes; <command> --help its own usage", async () => {
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    for (const name of ["status", "incidents", "actions", "approve", "reject", "history", "replay", "dlq", "pause", "resume", "audit"])
      assert.match(help.stdout, new RegExp(`^  ${name}\\s+\\S`, "m"), name);
    assert.match(help.stdout, /Exit codes:\n\s+0\s+ok\n\s+1\s+the command worked and found a problem/);
    const dlq = await run(["dlq", "--help"]);
    assert.equal(dlq.code, 0);
    assert.match(dlq.stdout, /vigil dlq list \[--consumer NAME\]\n\s+vigil dlq replay <seq>\.\.\. \| --all/);
    assert.equal((await run(["help", "approve"])).stdout, (await run(["approve", "--help"])).stdout);
  });

  it("usage errors exit 2 before any request, saying what is wrong", async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /no command given/],
      [["stauts"], /unknown command "stauts"/],
      [["actions", "--bogus"], /Unknown option '--bogus'/],
      [["actions", "--status", "exploded"], /--status: Invalid option/],
      [["actions", "--limit", "0"], /--limit: Too small/],
      [["incidents", "--status", "closed"], /--status: Invalid option/],
      [["approve"], /approve takes one execution id/],
      [["history", "web"], /write kind\/namespace\/name/],
      [["dlq"], /dlq needs list or replay/],
      [["dlq", "replay", "4", "--all"], /not both/],
      [["dlq", "replay", "x"], /"x" is not a dead-letter sequence number/],
      [["pause", "now"], /pause takes no arguments/],
      [["pause"], /pause needs --reason/],
      [["dlq", "replay"], /sequence numbers \(from dlq list\) or --all/],
      [["audit"], /audit needs verify/],
      [["status", "--service", "exectuor"], /--service: unknown exectuor/],
      [["status", "--timeout", "soon"], /--timeout: "soon" must be milliseconds/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.equal(r.code, ExitCode.usage, `vigil ${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message, `vigil ${args.join(" ")}`);
      assert.equal(r.stdout, "", "nothing on stdout");
    }
  });

  it("replay checks the file before sending it: unreadable, not JSON or not a webhook payload exits 2 naming the problem", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "vigil-cli-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const payload = JSON.parse(await readFile(new URL("../../../docs/examples/alert.json", import.meta.url), "utf8"));
    delete payload.alerts[0].startsAt;
    payload.status = "burning";
    await writeFile(join(dir, "invalid.json"), JSON.stringify(payload));
    await writeFile(join(dir, "not.json"), "{nope");
    await writeFile(join(dir, "empty.json"), JSON.stringify({ ...payload, status: "firing", alerts: [] }));
    const cases: Array<[string, RegExp]> = [
      ["invalid.json", /invalid\.json is not an Alertmanager webhook payload:\n\s+status: Invalid option.*\n\s+alerts\.0\.startsAt: /],
      ["not.json", /not\.json is not JSON/],
      ["missing.json", /cannot read .*missing\.json: ENOENT/],
      ["empty.json", /has no alerts: nothing to replay/],
    ];
    for (const [file, message] of cases) {
      const r = await run(["replay", join(dir, file)]);
      assert.equal(r.code, ExitCode.usage, `${file}: ${r.stderr}`);
      assert.match(r.stderr, message, file);
    }
  });

  it("an unreachable service exits 3 and says where it looked and how to point the CLI elsewhere", async () => {
    const r = await run(["actions", "--json"]);
    assert.equal(r.code, ExitCode.unavailable);
    assert.equal(r.stdout, "", "--json: nothing but the result on stdout");
    assert.match(r.stderr, /cannot reach executor at http:\/\/127\.0\.0\.1:1 .*--executor-url or VIGIL_EXECUTOR_URL/);
    const nats = await run(["dlq", "list"]);
    assert.equal(nats.code, ExitCode.unavailable);
    assert.match(nats.stderr, /cannot reach NATS at nats:\/\/127\.0\.0\.1:1 .*set NATS_URL/);
  });

  it("error kinds map to the documented exit codes", () => {
    assert.equal(exitCodeOf(new InvalidInputError("x")), 2);
    assert.equal(exitCodeOf(new UnavailableError("x")), 3);
    assert.equal(exitCodeOf(new ForbiddenError("x")), 4);
    assert.equal(exitCodeOf(new ConflictError("x")), 4);
    assert.equal(exitCodeOf(new NotFoundError("x")), 5);
    assert.equal(exitCodeOf(new Error("a bug")), 3);
  });
});

describe("vigil configuration", () => {
  it("flags win over the environment, which wins over the defaults of a local npm start", () => {
    const defaults = loadConfig({}, {});
    assert.equal(defaults.urls.executor, "http://127.0.0.1:8083");
    assert.equal(defaults.urls["ebpf-ingest"], "http://127.0.0.1:3101");
    assert.equal(defaults.nats.url, "nats://127.0.0.1:4222");
    assert.equal(defaults.timeoutMs, 5000);
    const host = loadConfig({}, { VIGIL_HOST: "vigil.internal", VIGIL_EBPF_INGEST_URL: "http://node-1:9999/" });
    assert.equal(host.urls.webhook, "http://vigil.internal:8080");
    assert.equal(host.urls["ebpf-ingest"], "http://node-1:9999");
    const flags = loadConfig(
      { "executor-url": "10.0.0.5:18083", host: "h" },
      { VIGIL_EXECUTOR_URL: "http://env:1", EXECUTOR_API_TOKEN: "t" },
    );
    assert.equal(flags.urls.executor, "http://10.0.0.5:18083");
    assert.equal(flags.urls.analyzer, "http://h:8081");
    assert.equal(flags.executorToken, "t");
    assert.throws(() => loadConfig({ "webhook-url": "http://exa mple" }, {}), /--webhook-url \/ VIGIL_WEBHOOK_URL/);
  });

  it("colours only on a terminal, never with NO_COLOR or --no-color", () => {
    assert.equal(colorWanted(true, {}, false), true);
    assert.equal(colorWanted(false, {}, false), false);
    assert.equal(colorWanted(true, { NO_COLOR: "1" }, false), false);
    assert.equal(colorWanted(true, {}, true), false);
  });
});

describe("vigil output", () => {
  it("tables align columns (colours ignored), right-align numbers and cut long cells", () => {
    const rows = [
      { name: "executor", lag: 0, note: "ok" },
      { name: "effectiveness", lag: 12345, note: "x".repeat(30) },
    ];
    const paint = makePaint(true);
    const text = renderTable(
      [
        { header: "NAME", value: (r) => paint.green(r.name) },
        { header: "LAG", value: (r) => String(r.lag), align: "right" },
        { header: "NOTE", value: (r) => r.note, max: 10 },
      ],
      rows,
    );
    // eslint-disable-next-line no-control-regex -- the colour escapes makePaint wrote
    const plain = text.replace(/\u001b\[[0-9;]*m/g, "");
    assert.equal(plain, ["NAME             LAG  NOTE", "executor           0  ok", "effectiveness  12345  xxxxxxxxx…", ""].join("\n"));
  });

  it("targets are read the ways people write them", () => {
    const table: Array<[string, string]> = [
      ["deployment/payments/payments-api", "Deployment/payments/payments-api"],
      ["Deployment/shop/web", "Deployment/shop/web"],
      ["deploy/shop/web", "Deployment/shop/web"],
      ["shop/deployment/web", "Deployment/shop/web"],
      ["sts/db/postgres", "StatefulSet/db/postgres"],
      ["pvc/db/data-postgres-0", "PersistentVolumeClaim/db/data-postgres-0"],
      ["node/worker-1", "Node/worker-1"],
      ["Node/worker-1", "Node/worker-1"],
    ];
    for (const [text, key] of table) assert.equal(parseTarget(text).key, key, text);
    for (const bad of ["web", "deployment/web", "shop/web/x", "a//b", "node/a/b/c"])
      assert.throws(() => parseTarget(bad), /kind\/namespace\/name/, bad);
  });
});

describe("vigil and the local stack", () => {
  const connection = (pid: number) => ({
    natsUrl: "nats://127.0.0.1:40001",
    databaseUrl: "postgres://vigil:vigil@127.0.0.1:40002/vigil",
    services: { executor: "http://127.0.0.1:40003", webhook: "http://127.0.0.1:40004" },
    executorApiToken: "local-token",
    pid,
  });
  const dataDir = (content: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-cli-local-"));
    writeFileSync(join(dir, "connection.json"), JSON.stringify(content));
    return dir;
  };

  it("finds a running npm start through its connection.json, below flags and the environment", () => {
    const dir = dataDir(connection(process.pid));
    const local = findLocalStack({ VIGIL_DATA_DIR: dir });
    assert.ok(local, "the file of a live stack is read");
    const config = loadConfig({}, {}, local);
    assert.equal(config.urls.executor, "http://127.0.0.1:40003");
    assert.equal(config.urls.analyzer, "http://127.0.0.1:8081", "a service the stack did not start keeps its default");
    assert.equal(config.nats.url, "nats://127.0.0.1:40001");
    assert.equal(config.executorToken, "local-token");
    const env = loadConfig({}, { NATS_URL: "nats://elsewhere:4222", EXECUTOR_API_TOKEN: "mine", VIGIL_HOST: "h" }, local);
    assert.equal(env.nats.url, "nats://elsewhere:4222");
    assert.equal(env.executorToken, "mine");
    assert.equal(env.urls.executor, "http://h:8083", "VIGIL_HOST means another machine: not the local stack");
    assert.equal(loadConfig({ "executor-url": "http://x:1" }, {}, local).urls.executor, "http://x:1");
  });

  it("ignores the file of a stack that is gone, and a file that is not one", () => {
    const gone = 2 ** 31 - 2; // above any pid_max: no process has it
    assert.equal(findLocalStack({ VIGIL_DATA_DIR: dataDir(connection(gone)) }), undefined);
    assert.equal(findLocalStack({ VIGIL_DATA_DIR: dataDir({ natsUrl: 1 }) }), undefined);
    assert.equal(findLocalStack({ VIGIL_DATA_DIR: join(tmpdir(), "no-such-vigil-dir") }), undefined);
  });
});
