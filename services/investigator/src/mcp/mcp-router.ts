// The MCP endpoint: Streamable HTTP at /mcp (where the service mounts this router), stateless: a fresh server per
// request, so nothing leaks between clients and any replica can answer. It serves both protocol eras the SDK
// speaks (2026-07-28 and 2025 clients). In front of it: DNS-rebinding protection (the Origin of a browser request,
// and the Host header when the operator lists the names the service is reached by), then the bearer token.
import { createMcpHandler } from "@modelcontextprotocol/server";
import { hostHeaderValidation, originValidation } from "@modelcontextprotocol/express";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { requireAuth } from "@vigil/service";
import type { ToolContext, ToolDefinition } from "@vigil/toolbox";
import express, { type Router } from "express";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { McpMetrics } from "./mcp-metrics.js";
import { buildMcpServer } from "./mcp-server.js";

/** Where the service mounts the router: `router.use(MCP_PATH, mcpRouter(...))`; its routes are relative to it. */
export const MCP_PATH = "/mcp";

export interface McpRouterOptions {
  /** MCP_TOKEN: clients must send `Authorization: Bearer <token>`; open when unset. */
  token?: string;
  log: Logger;
  /**
   * Host names the endpoint is reached by (`vigil-investigator.vigil.svc`, `localhost`...): other Host headers
   * get 403. Unset: any Host (a pod is reached by many names), and only localhost-class browser Origins.
   */
  allowedHosts?: readonly string[];
  /** Where the tool-call metrics go (the service's registry). */
  registry?: Registry;
  tools?: readonly ToolDefinition[];
}

const LOCALHOST_NAMES = ["localhost", "127.0.0.1", "[::1]"];

export function mcpRouter(ctx: ToolContext, opts: McpRouterOptions): Router {
  const metrics = new McpMetrics(opts.registry ?? new Registry());
  const log = opts.log.child({ component: "mcp" });
  const handler = createMcpHandler(() => buildMcpServer(ctx, { log, metrics, ...(opts.tools ? { tools: opts.tools } : {}) }), {
    onerror: (err) => log.warn({ err }, "mcp request failed"),
  });
  const serve = toNodeHandler(handler, { onerror: (err) => log.error({ err }, "mcp handler failed") });

  const router = express.Router();
  const hosts = opts.allowedHosts ? [...opts.allowedHosts] : undefined;
  if (hosts) router.use(hostHeaderValidation(hosts));
  // Browsers always send Origin; a page elsewhere that rebinds its DNS name to this address is refused here.
  router.use(originValidation([...LOCALHOST_NAMES, ...(hosts ?? [])]));
  router.use(requireAuth(opts.token ? { bearerToken: opts.token } : {}));
  router.all("/", express.json({ limit: "256kb" }), (req, res) => serve(req, res, req.body));
  return router;
}
