// `vigil-mcp`, the stdio entry, as a desktop client runs it: a child process started with KUBECONFIG and NATS_URL,
// spoken to by the SDK's stdio client. It serves every registry tool over the simulator and what Vigil published,
// logs only to stderr (stdout is the protocol), stops on stdin close and on SIGTERM, and refuses to start without
// its configuration (exit code 2, saying what to set).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { Client, type CallToolResult } from "@modelcontextprotocol/client";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { tools } from "@vigil/toolbox";
import { makeTempDir, waitFor, type TempDir } from "@vigil/testing";
import { startMcpHarness, toolCallCases, type McpHarness } from "./mcp-harness.js";

const REPO = fileURLToPath(new URL("../../..", import.meta.url));
const ENTRY = ["--conditions=@vigil/source", "--import", "tsx", "services/investigator/src/mcp-stdio.ts"];

const textOf = (r: CallToolResult): string =>
  r.content
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Starts the entry as a plain child process, collecting its stdout and stderr. */
function spawnEntry(env: Record<string, string>): {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ENTRY, { cwd: REPO, env: { ...getDefaultEnvironment(), ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

describe("MCP over stdio (vigil-mcp)", () => {
  let h: McpHarness;
  let dir: TempDir;
  let env: Record<string, string>;

  before(async () => {
    h = await startMcpHarness();
    dir = await makeTempDir("mcp-stdio");
    const kubeconfig = join(dir.path, "kubeconfig");
    await h.sim.writeKubeconfig(kubeconfig);
    env = { KUBECONFIG: kubeconfig, NATS_URL: h.nats.url, LOG_LEVEL: "info" };
  });
  after(async () => {
    await h?.stop();
    await dir?.remove();
  });

  test("lists every registry tool and calls each against the simulator; logs only to stderr; stops when stdin closes", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ENTRY,
      cwd: REPO,
      env: { ...getDefaultEnvironment(), ...env },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: "vigil-mcp-stdio-test", version: "1.0.0" });
    await client.connect(transport);
    const pid = transport.pid;
    assert.ok(pid);
    try {
      const listed = (await client.listTools()).tools;
      assert.deepEqual(listed.map((t) => t.name).sort(), tools.map((t) => t.name).sort());
      assert.ok(listed.every((t) => t.inputSchema.type === "object" && t.annotations?.readOnlyHint === true));

      const cases = toolCallCases(h);
      for (const tool of tools) {
        const c = cases[tool.name];
        assert.ok(c, `no test arguments for tool ${tool.name}: add a row to toolCallCases`);
        const result = await client.callTool({ name: tool.name, arguments: c.args });
        const text = textOf(result);
        assert.notEqual(result.isError, true, `${tool.name}: ${text}`);
        for (const s of c.expect) assert.ok(text.includes(s), `${tool.name} answer lacks ${JSON.stringify(s)}: ${text.slice(0, 400)}`);
      }
      const invalid = await client.callTool({ name: "namespace_errors", arguments: {} });
      assert.equal(invalid.isError, true);
      assert.match(textOf(invalid), /namespace/);
    } finally {
      await client.close();
    }
    await waitFor(() => !alive(pid), { timeoutMs: 10_000, message: "vigil-mcp did not exit after stdin closed" });
    // Its logs are pino JSON on stderr (stdout carried only protocol messages, or the client would have failed).
    assert.match(stderr, /"msg":"serving the investigation tools over stdio"/);
    assert.match(stderr, /"msg":"stopping".*"reason":"stdin closed"|"reason":"stdin closed".*"msg":"stopping"/);
  });

  test("SIGTERM stops it cleanly (exit 0)", async () => {
    const p = spawnEntry(env);
    await waitFor(() => p.err().includes("serving the investigation tools over stdio"), {
      timeoutMs: 60_000,
      message: "vigil-mcp did not start",
    });
    p.child.kill("SIGTERM");
    assert.equal(await p.exit, 0);
    assert.equal(p.out(), "", "nothing but protocol on stdout");
  });

  test("without NATS_URL or cluster access it exits 2 saying what to set", async () => {
    const noNats = spawnEntry({ KUBECONFIG: env["KUBECONFIG"]! });
    const noKube = spawnEntry({ NATS_URL: h.nats.url, KUBECONFIG: "", HOME: dir.path });
    assert.equal(await noNats.exit, 2);
    assert.match(noNats.err(), /NATS_URL: required/);
    assert.equal(await noKube.exit, 2);
    assert.match(noKube.err(), /KUBECONFIG: .*no kubeconfig/);
  });
});
