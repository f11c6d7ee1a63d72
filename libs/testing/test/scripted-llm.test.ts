import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { AIMessage, HumanMessage, ToolMessage, type AIMessageChunk } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { startScriptedLlm, waitFor, type ScriptedLlm, type StartScriptedLlmOptions } from "../src/index.js";

const servers: ScriptedLlm[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function start(opts: StartScriptedLlmOptions): Promise<ScriptedLlm> {
  const llm = await startScriptedLlm(opts);
  servers.push(llm);
  return llm;
}

function chat(llm: ScriptedLlm, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${llm.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

function model(llm: ScriptedLlm): ChatOpenAI {
  return new ChatOpenAI({ model: "scripted-model", apiKey: "test", configuration: { baseURL: llm.url }, maxRetries: 0 });
}

/** Parses an SSE body into its `data:` payloads. */
function sseEvents(text: string): string[] {
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));
}

const user = [{ role: "user", content: "why is checkout crashing?" }];
const describePod = {
  type: "function",
  function: {
    name: "describe_pod",
    description: "Describe a pod",
    parameters: { type: "object", properties: { name: { type: "string" } } },
  },
};

describe("scripted LLM over plain HTTP", () => {
  test("answers a tool-call turn then a text turn in OpenAI's shape, with unique ids, and records the raw requests", async () => {
    const llm = await start({
      script: [
        {
          toolCalls: [
            { name: "describe_pod", args: { name: "checkout-1" } },
            { name: "describe_pod", args: { name: "checkout-2" } },
          ],
        },
        { content: "OOMKilled" },
      ],
    });
    const first = await chat(llm, { model: "m1", messages: user, tools: [describePod] });
    assert.equal(first.status, 200);
    const one = (await first.json()) as any;
    assert.equal(one.object, "chat.completion");
    assert.equal(one.model, "m1");
    assert.equal(one.choices[0].finish_reason, "tool_calls");
    assert.equal(one.choices[0].message.role, "assistant");
    assert.equal(one.choices[0].message.content, null);
    const calls = one.choices[0].message.tool_calls;
    assert.equal(calls.length, 2);
    assert.equal(calls[0].type, "function");
    assert.equal(calls[0].function.name, "describe_pod");
    assert.equal(typeof calls[0].function.arguments, "string");
    assert.deepEqual(JSON.parse(calls[1].function.arguments), { name: "checkout-2" });
    assert.notEqual(calls[0].id, calls[1].id);

    const second = await chat(llm, { model: "m1", messages: [...user, one.choices[0].message] });
    const two = (await second.json()) as any;
    assert.equal(two.choices[0].finish_reason, "stop");
    assert.equal(two.choices[0].message.content, "OOMKilled");
    assert.equal(two.choices[0].message.tool_calls, undefined);
    assert.notEqual(one.id, two.id);

    // Default usage: ceil(raw request chars / 4) and ceil(response chars / 4).
    assert.equal(llm.requests.length, 2);
    assert.equal(two.usage.prompt_tokens, Math.ceil(llm.requests[1]!.raw.length / 4));
    assert.equal(two.usage.completion_tokens, Math.ceil("OOMKilled".length / 4));
    assert.equal(two.usage.total_tokens, two.usage.prompt_tokens + two.usage.completion_tokens);
    assert.equal(llm.requests[0]!.body.tools?.[0]?.function.name, "describe_pod");
    assert.equal(llm.requests[0]!.headers.authorization, "Bearer test");
    assert.match(llm.requests[0]!.raw, /why is checkout crashing/);
  });

  test("ids stay unique across servers", async () => {
    const [a, b] = await Promise.all([start({ script: [{ content: "a" }] }), start({ script: [{ content: "b" }] })]);
    const [ra, rb] = await Promise.all([chat(a, { model: "m", messages: user }), chat(b, { model: "m", messages: user })]);
    const [ja, jb] = (await Promise.all([ra.json(), rb.json()])) as any[];
    assert.notEqual(ja.id, jb.id);
  });

  test("streams SSE chunks that reassemble into the scripted turn, with a usage chunk and [DONE]", async () => {
    const llm = await start({
      script: [
        { content: "The pod ran out of memory." },
        { toolCalls: [{ name: "describe_pod", args: { name: "a-rather-long-pod-name-0" } }] },
      ],
    });
    const text = await (await chat(llm, { model: "m", messages: user, stream: true, stream_options: { include_usage: true } })).text();
    const events = sseEvents(text);
    assert.equal(events.at(-1), "[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id));
    assert.equal(chunks[0].choices[0].delta.role, "assistant");
    const content = chunks.flatMap((c) => c.choices.map((ch: any) => ch.delta.content ?? "")).join("");
    assert.equal(content, "The pod ran out of memory.");
    assert.ok(chunks.length > 4, "content arrives in several pieces");
    assert.equal(chunks.at(-2).choices[0].finish_reason, "stop");
    assert.deepEqual(chunks.at(-1).choices, []);
    assert.equal(chunks.at(-1).usage.completion_tokens, Math.ceil("The pod ran out of memory.".length / 4));

    const toolText = await (await chat(llm, { model: "m", messages: user, stream: true })).text();
    const toolChunks = sseEvents(toolText)
      .slice(0, -1)
      .map((e) => JSON.parse(e));
    assert.ok(
      toolChunks.every((c) => c.usage === undefined),
      "no usage without stream_options.include_usage",
    );
    const deltas = toolChunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    assert.equal(deltas[0].index, 0);
    assert.equal(deltas[0].function.name, "describe_pod");
    assert.match(deltas[0].id, /^call-/);
    assert.ok(deltas.length > 2, "arguments arrive in fragments");
    assert.deepEqual(JSON.parse(deltas.map((d: any) => d.function.arguments).join("")), { name: "a-rather-long-pod-name-0" });
    assert.equal(toolChunks.at(-1).choices[0].finish_reason, "tool_calls");
  });

  test("rejects malformed requests with 400 without consuming a turn", async () => {
    const llm = await start({ script: [{ content: "ok" }] });
    const noMessages = await chat(llm, { model: "m", messages: [] });
    assert.equal(noMessages.status, 400);
    const body = (await noMessages.json()) as any;
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /messages/);
    const badTool = await chat(llm, { model: "m", messages: user, tools: [{ type: "function", function: {} }] });
    assert.equal(badTool.status, 400);
    assert.match(((await badTool.json()) as any).error.message, /tools\.0\.function\.name/);
    const notJson = await fetch(`${llm.url}/chat/completions`, { method: "POST", body: "{nope" });
    assert.equal(notJson.status, 400);
    assert.equal(llm.rejected.length, 3);
    assert.equal(llm.requests.length, 0);
    assert.equal(((await (await chat(llm, { model: "m", messages: user })).json()) as any).choices[0].message.content, "ok");
  });

  test("answers 500 'script exhausted' past the end of a list, and follows a function script", async () => {
    const listed = await start({ script: [] });
    const exhausted = await chat(listed, { model: "m", messages: user });
    assert.equal(exhausted.status, 500);
    assert.match(((await exhausted.json()) as any).error.message, /script exhausted/);

    const fn = await start({ script: (req, turn) => ({ content: `turn ${turn}: ${req.messages.length} message(s)` }) });
    await chat(fn, { model: "m", messages: user });
    const res = (await (await chat(fn, { model: "m", messages: [...user, ...user] })).json()) as any;
    assert.equal(res.choices[0].message.content, "turn 1: 2 message(s)");
  });

  test("lists its model and uses a custom usage function", async () => {
    const llm = await start({ script: [{ content: "x" }], model: "vigil-test", usage: () => ({ prompt: 1000, completion: 7 }) });
    const models = (await (await fetch(`${llm.url}/models`)).json()) as any;
    assert.deepEqual(
      models.data.map((m: any) => m.id),
      ["vigil-test"],
    );
    const res = (await (await chat(llm, { model: "vigil-test", messages: user })).json()) as any;
    assert.deepEqual(res.usage, { prompt_tokens: 1000, completion_tokens: 7, total_tokens: 1007 });
  });

  test("scripted errors carry an OpenAI error body, the status and retry-after on 429", async () => {
    const llm = await start({
      script: [{ status: 429 }, { status: 503, body: { error: { message: "overloaded" } }, headers: { "x-why": "test" } }],
    });
    const limited = await chat(llm, { model: "m", messages: user });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "1");
    assert.equal(((await limited.json()) as any).error.code, "rate_limit_exceeded");
    const unavailable = await chat(llm, { model: "m", messages: user });
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers.get("x-why"), "test");
    assert.deepEqual(await unavailable.json(), { error: { message: "overloaded" } });
  });

  test("a hung turn ends when the client aborts, and close() does not wait for hung sockets", async () => {
    const llm = await startScriptedLlm({ script: [{ hang: true }, { hang: true }] });
    await assert.rejects(chat(llm, { model: "m", messages: user }, AbortSignal.timeout(200)), { name: "TimeoutError" });
    const pending = chat(llm, { model: "m", messages: user });
    const settled = pending.then(
      () => "answered",
      () => "failed",
    );
    await waitFor(() => llm.requests.length === 2, { message: "the second request reached the server" });
    // close() resolving at all is the assertion: a hung socket would hold it open.
    await llm.close();
    assert.equal(await settled, "failed");
  });
});

describe("scripted LLM through ChatOpenAI", () => {
  test("a tool-call turn bound with bindTools, then a text turn after the tool result", async () => {
    const llm = await start({
      script: [{ toolCalls: [{ name: "describe_pod", args: { name: "checkout-1" } }] }, { content: "It is OOMKilled." }],
    });
    const tools = [{ type: "function" as const, function: describePod.function }];
    const bound = model(llm).bindTools(tools);
    const first = await bound.invoke([new HumanMessage("why is checkout crashing?")]);
    assert.equal(first.tool_calls?.length, 1);
    const call = first.tool_calls[0]!;
    assert.equal(call.name, "describe_pod");
    assert.deepEqual(call.args, { name: "checkout-1" });
    assert.ok(call.id);
    assert.equal(first.usage_metadata?.input_tokens, Math.ceil(llm.requests[0]!.raw.length / 4));

    const second = await bound.invoke([
      new HumanMessage("why is checkout crashing?"),
      first,
      new ToolMessage({ content: "state: OOMKilled", tool_call_id: call.id }),
    ]);
    assert.equal(second.content, "It is OOMKilled.");
    assert.notEqual(first.id, second.id);
    assert.deepEqual(
      llm.requests[1]!.body.messages.map((m) => m.role),
      ["user", "assistant", "tool"],
    );
    assert.equal(llm.requests[1]!.body.messages[2]!.tool_call_id, call.id);
    assert.equal(llm.requests[0]!.body.tools?.[0]?.function.name, "describe_pod");
  });

  test("streams text and tool calls through .stream()", async () => {
    const llm = await start({
      script: [
        { content: "Memory limit too low for the workload." },
        { toolCalls: [{ name: "describe_pod", args: { name: "checkout-7", namespace: "shop" } }] },
      ],
    });
    const chatModel = model(llm).bindTools([{ type: "function" as const, function: describePod.function }]);
    let text: AIMessageChunk | undefined;
    let pieces = 0;
    for await (const chunk of await chatModel.stream([new HumanMessage("why?")])) {
      text = text === undefined ? chunk : text.concat(chunk);
      pieces++;
    }
    assert.equal(text?.content, "Memory limit too low for the workload.");
    assert.equal(
      text?.usage_metadata?.output_tokens,
      Math.ceil("Memory limit too low for the workload.".length / 4),
      "the usage chunk arrived",
    );
    assert.ok(pieces > 3);
    assert.equal(llm.requests[0]!.body.stream, true);

    let tool: AIMessageChunk | undefined;
    for await (const chunk of await chatModel.stream([new HumanMessage("why?")])) tool = tool === undefined ? chunk : tool.concat(chunk);
    assert.equal(tool?.tool_calls?.length, 1);
    assert.equal(tool.tool_calls[0]!.name, "describe_pod");
    assert.deepEqual(tool.tool_calls[0]!.args, { name: "checkout-7", namespace: "shop" });
  });

  test("429 and 500 surface as errors with maxRetries 0", async () => {
    const llm = await start({ script: [{ status: 429 }, { status: 500 }] });
    await assert.rejects(model(llm).invoke([new HumanMessage("hi")]), (error: Error & { status?: number }) => {
      assert.match(`${error.status} ${error.message}`, /429/);
      return true;
    });
    await assert.rejects(model(llm).invoke([new HumanMessage("hi")]), (error: Error & { status?: number }) => {
      assert.match(`${error.status} ${error.message}`, /500/);
      return true;
    });
    assert.equal(llm.requests.length, 2, "no retry was made");
  });

  test("a hung model call is aborted by AbortSignal.timeout", async () => {
    const llm = await start({ script: [{ hang: true }] });
    const began = Date.now();
    await assert.rejects(model(llm).invoke([new HumanMessage("hi")], { signal: AbortSignal.timeout(300) }));
    assert.ok(Date.now() - began < 5_000, "the abort ended the call, not a client timeout");
  });

  test("an AIMessage replayed from history is accepted as a request message", async () => {
    const llm = await start({ script: [{ content: "done" }] });
    const answer = await model(llm).invoke([new HumanMessage("hi"), new AIMessage("previous"), new HumanMessage("again")]);
    assert.equal(answer.content, "done");
    assert.equal(llm.requests[0]!.body.messages.length, 3);
  });
});
