// The MCP endpoint over real Streamable HTTP, with the SDK's own client: the router mounted in the service kit's
// HTTP app (its error envelopes and 401s), tools reading the oom-crashloop scenario and what the pipeline
// published about it on real NATS. Every registry tool is listed with its input schema and called once.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { Client, StreamableHTTPClientTransport, type CallToolResult } from "@modelcontextprotocol/client";
import { createHttpApp, Readiness } from "@vigil/service";
import { toolInputJsonSchema, tools } from "@vigil/toolbox";
import express from "express";
import { Registry } from "prom-client";
import { MCP_PATH, mcpRouter } from "../src/mcp/index.js";
import { startMcpHarness, toolCallCases, type McpHarness } from "./mcp-harness.js";

const TOKEN = "mcp-test-token-5b1f";

const textOf = (r: CallToolResult): string =>
  r.content
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");

describe("MCP over Streamable HTTP", () => {
  let h: McpHarness;
  let server: Server;
  let url: URL;
  let registry: Registry;
  const clients: Client[] = [];

  async function connect(token: string | undefined = TOKEN): Promise<Client> {
    const client = new Client({ name: "vigil-mcp-test", version: "1.0.0" });
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    clients.push(client);
    return client;
  }

  before(async () => {
    h = await startMcpHarness();
    registry = new Registry();
    const router = express.Router();
    router.use(MCP_PATH, mcpRouter(h.tooling.context, { token: TOKEN, log: h.log, registry }));
    const app = createHttpApp({
      log: h.log,
      registry,
      readiness: new Readiness(),
      router,
      isStarted: () => true,
      isShuttingDown: () => false,
    });
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}${MCP_PATH}`);
  });
  after(async () => {
    for (const c of clients) await c.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await h?.stop();
  });

  test("lists every registry tool, read-only, with its input schema", async () => {
    const client = await connect();
    const listed = (await client.listTools()).tools;
    assert.deepEqual(listed.map((t) => t.name).sort(), tools.map((t) => t.name).sort());
    for (const tool of tools) {
      const t = listed.find((l) => l.name === tool.name)!;
      assert.equal(t.title, tool.title);
      assert.equal(t.description, tool.description);
      assert.equal(t.annotations?.readOnlyHint, true, tool.name);
      assert.equal(t.annotations?.destructiveHint, false, tool.name);
      const expected = toolInputJsonSchema(tool);
      assert.equal(t.inputSchema.type, "object");
      assert.deepEqual(
        Object.keys(t.inputSchema.properties ?? {}).sort(),
        Object.keys((expected["properties"] as object) ?? {}).sort(),
        tool.name,
      );
      // What a caller must send: a field with a default (container_logs' tailLines) is optional, as the model sees it.
      assert.deepEqual([...(t.inputSchema.required ?? [])].sort(), [...((expected["required"] as string[]) ?? [])].sort(), tool.name);
    }
  });

  test("calls each registry tool against the simulator and what Vigil published", async () => {
    const client = await connect();
    const cases = toolCallCases(h);
    for (const tool of tools) {
      const c = cases[tool.name];
      assert.ok(c, `no test arguments for tool ${tool.name}: add a row to toolCallCases`);
      const result = await client.callTool({ name: tool.name, arguments: c.args });
      const text = textOf(result);
      assert.notEqual(result.isError, true, `${tool.name}: ${text}`);
      for (const s of c.expect) assert.ok(text.includes(s), `${tool.name} answer lacks ${JSON.stringify(s)}: ${text.slice(0, 400)}`);
      if (result.structuredContent !== undefined) assert.equal(typeof result.structuredContent, "object");
    }
  });

  test("invalid arguments come back as isError naming the field; an unknown pod says so", async () => {
    const client = await connect();
    const missing = await client.callTool({ name: "describe_pod", arguments: { namespace: "shop" } });
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /\bname\b/);
    const wrongType = await client.callTool({ name: "container_logs", arguments: { namespace: "shop", pod: h.pod, tailLines: "many" } });
    assert.equal(wrongType.isError, true);
    assert.match(textOf(wrongType), /tailLines/);
    const unknown = await client.callTool({ name: "describe_pod", arguments: { namespace: "shop", name: "no-such-pod" } });
    assert.equal(unknown.isError, true);
    assert.match(textOf(unknown), /no-such-pod/);
  });

  test("tool calls are counted by tool and result", async () => {
    const metrics = (await registry.metrics()).split("\n").filter((l) => l.startsWith("vigil_mcp_"));
    const has = (re: RegExp) =>
      assert.ok(
        metrics.some((l) => re.test(l)),
        `${String(re)} in\n${metrics.filter((l) => !l.includes("_bucket")).join("\n")}`,
      );
    has(/^vigil_mcp_tool_calls_total\{tool="describe_pod",result="ok"\} [1-9]/);
    has(/^vigil_mcp_tool_calls_total\{tool="describe_pod",result="error"\} [1-9]/);
    has(/^vigil_mcp_tool_call_duration_seconds_count\{tool="action_catalog"\} [1-9]/);
  });

  test("without the bearer token, or with a wrong one: 401 with a Bearer challenge", async () => {
    const initialize = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
    });
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    for (const auth of [undefined, "Bearer wrong-token", `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`]) {
      const res = await fetch(url, { method: "POST", headers: { ...headers, ...(auth ? { Authorization: auth } : {}) }, body: initialize });
      assert.equal(res.status, 401, `Authorization: ${auth}`);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
    }
    await assert.rejects(connect("wrong-token"));
    const ok = await fetch(url, { method: "POST", headers: { ...headers, Authorization: `Bearer ${TOKEN}` }, body: initialize });
    assert.equal(ok.status, 200);
  });

  test("a browser request from another origin is refused (DNS rebinding)", async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        Origin: "http://rebound.example",
        Authorization: `Bearer ${TOKEN}`,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    assert.equal(res.status, 403);
  });

  test("with allowedHosts, a request to another Host name is refused before auth", async () => {
    const router = express.Router();
    router.use(MCP_PATH, mcpRouter(h.tooling.context, { log: h.log, allowedHosts: ["vigil-investigator.vigil.svc"] }));
    const app = createHttpApp({
      log: h.log,
      registry: new Registry(),
      readiness: new Readiness(),
      router,
      isStarted: () => true,
      isShuttingDown: () => false,
    });
    const other = createServer(app);
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}${MCP_PATH}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
      assert.equal(res.status, 403);
    } finally {
      other.closeAllConnections();
      await new Promise((r) => other.close(r));
    }
  });
});
