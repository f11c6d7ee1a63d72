// A real OpenAI-compatible HTTP server whose answers are scripted, so tests exercise the real client
// (ChatOpenAI, the OpenAI SDK, fetch) end to end: request shape, tool-call round trips, streaming, errors
// and hangs. Every request is recorded with its raw body, for assertions such as "no secret reached the model".
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chatRequestSchema, type ChatRequest } from "./chat-request.js";
import { assistantTurn, completionBody, completionChunks, responseChars, type CompletionMeta, type Usage } from "./completion.js";
import { defaultUsage, stepFor, type Script, type UsageFn } from "./script.js";

export interface RecordedRequest {
  body: ChatRequest;
  raw: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A request answered 400 before reaching the script (it does not consume a turn). */
export interface RejectedRequest {
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  error: string;
}

export interface ScriptedLlm {
  /** Base URL ending in "/v1": what LLM_BASE_URL and ChatOpenAI's `configuration.baseURL` take. */
  url: string;
  /** Every valid /v1/chat/completions request, in arrival order; `requests[n]` got turn n of the script. */
  requests: RecordedRequest[];
  /** Requests answered 400 (malformed JSON, no messages, bad tools). */
  rejected: RejectedRequest[];
  /** Stops listening and destroys every open socket, hung ones included. Idempotent. */
  close(): Promise<void>;
}

export interface StartScriptedLlmOptions {
  script: Script;
  /** Listed by GET /v1/models (default "scripted-model"); completions echo the model each request asked for. */
  model?: string;
  /** Token counts to report; default prompt = ceil(raw request chars / 4), completion = ceil(response chars / 4). */
  usage?: UsageFn;
}

export async function startScriptedLlm(opts: StartScriptedLlmOptions): Promise<ScriptedLlm> {
  const model = opts.model ?? "scripted-model";
  const requests: RecordedRequest[] = [];
  const rejected: RejectedRequest[] = [];
  // A per-server prefix plus a counter: unique within a server and across servers (LangChain drops a repeated id).
  const prefix = randomUUID().slice(0, 8);
  let sequence = 0;
  const nextId = (kind: string): string => `${kind}-${prefix}-${++sequence}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `scripted-llm: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    if (path === "/v1/models" && req.method === "GET") {
      sendJson(res, 200, { object: "list", data: [{ id: model, object: "model", created: 0, owned_by: "vigil-testing" }] });
      return;
    }
    if (path !== "/v1/chat/completions") return sendError(res, 404, `no route ${req.method ?? ""} ${path}`, "not_found");
    if (req.method !== "POST") return sendError(res, 405, `${req.method ?? ""} is not allowed on ${path}`, "method_not_allowed");

    const raw = await readBody(req);
    const headers = { ...req.headers };
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      rejected.push({ raw, headers, error: parsed.error });
      return sendError(res, 400, parsed.error, "invalid_request");
    }
    const body = parsed.request;
    const turn = requests.length;
    requests.push({ body, raw, headers });
    const step = stepFor(opts.script, body, turn);

    if ("hang" in step) return; // the socket stays open; close() or the client's abort ends it
    if ("status" in step) return sendScriptedError(res, step);

    const answer = assistantTurn(step, () => nextId("call"));
    const counted = opts.usage ? opts.usage(body, step) : defaultUsage(raw, responseChars(answer));
    const usage: Usage = {
      prompt_tokens: counted.prompt,
      completion_tokens: counted.completion,
      total_tokens: counted.prompt + counted.completion,
    };
    const meta: CompletionMeta = { id: nextId("chatcmpl"), created: Math.floor(Date.now() / 1000), model: body.model };
    if (body.stream !== true) return sendJson(res, 200, completionBody(meta, answer, usage));

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const includeUsage = body.stream_options?.include_usage === true;
    for (const chunk of completionChunks(meta, answer, includeUsage ? usage : undefined)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.end("data: [DONE]\n\n");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    rejected,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung requests and idle keep-alive sockets would otherwise hold close() open forever.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

type Parsed = { ok: true; request: ChatRequest } | { ok: false; error: string };

function parseRequest(raw: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: "request body is not valid JSON" };
  }
  const result = chatRequestSchema.safeParse(json);
  if (result.success) return { ok: true, request: result.data };
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  return { ok: false, error: `invalid chat completion request: ${problems.join("; ")}` };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendScriptedError(res: ServerResponse, step: { status: number; body?: unknown; headers?: Record<string, string> }): void {
  const headers = { ...(step.status === 429 ? { "retry-after": "1" } : {}), ...step.headers };
  const body = step.body ?? errorBody(step.status, `scripted error ${step.status}`, defaultCode(step.status));
  sendJson(res, step.status, body, headers);
}

function sendError(res: ServerResponse, status: number, message: string, code = defaultCode(status)): void {
  sendJson(res, status, errorBody(status, message, code));
}

function errorBody(status: number, message: string, code: string): object {
  return { error: { message, type: errorType(status), param: null, code } };
}

function errorType(status: number): string {
  if (status === 429) return "requests";
  if (status === 401) return "authentication_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function defaultCode(status: number): string {
  if (status === 429) return "rate_limit_exceeded";
  return status >= 500 ? "server_error" : "invalid_request";
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
