// How an investigation fails, against the scripted server through the real ChatOpenAI client: HTTP errors
// (429, 500), a model that never answers (request timeout, wall-time budget), and the token and cost budgets,
// each ending with its reason and what was spent, so the rules engine can decide instead.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DiagnosisMessage } from "@vigil/contracts";
import { startScriptedLlm, type ScriptedLlm, type StartScriptedLlmOptions } from "@vigil/testing";
import { AzureChatOpenAI } from "@langchain/openai";
import { InvalidInputError } from "@vigil/errors";
import { createChatModel, type AgentOutcome } from "../src/index.js";
import { agentHarness, capturingLog, scriptedAgent, scriptedSettings, type AgentHarness } from "./agent-harness.js";

let h: AgentHarness;
let diagnosis: DiagnosisMessage;
const servers: ScriptedLlm[] = [];

before(async () => {
  h = await agentHarness("oom-crashloop");
  diagnosis = await h.diagnose();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await h.stop();
});

async function scripted(opts: StartScriptedLlmOptions): Promise<ScriptedLlm> {
  const llm = await startScriptedLlm(opts);
  servers.push(llm);
  return llm;
}

function failure(outcome: AgentOutcome) {
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  if (outcome.ok) throw new Error("unreachable");
  return outcome;
}

/** A model that keeps investigating: a new tool call every turn (so neither loop guard ends it). */
const curious = {
  script: (_req: unknown, turn: number) => ({ toolCalls: [{ name: "namespace_errors", args: { namespace: `ns-${turn}` } }] }),
};

describe("model errors", () => {
  test("a 429 from the model server is model_error, after at most one retry", async () => {
    const llm = await scripted({ script: () => ({ status: 429 }) });
    const f = failure(await (await scriptedAgent(h, llm.url)).investigate(diagnosis));
    assert.equal(f.reason, "model_error");
    assert.match(f.detail, /429/);
    assert.ok(llm.requests.length <= 2, `${llm.requests.length} requests`);
  });

  test("a 500 from the model server is model_error, after one retry", async () => {
    const llm = await scripted({ script: () => ({ status: 500 }) });
    const f = failure(await (await scriptedAgent(h, llm.url)).investigate(diagnosis));
    assert.equal(f.reason, "model_error");
    assert.match(f.detail, /500/);
    assert.equal(llm.requests.length, 2);
  });

  test("a model that never answers times out per request", async () => {
    const llm = await scripted({ script: () => ({ hang: true }) });
    const started = Date.now();
    const f = failure(await (await scriptedAgent(h, llm.url, { settings: { requestTimeoutMs: 300 } })).investigate(diagnosis));
    assert.equal(f.reason, "timeout");
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(f.tokens, { prompt: 0, completion: 0 });
  });

  test("the wall-time budget covers the whole investigation", async () => {
    const llm = await scripted({ script: () => ({ hang: true }) });
    const started = Date.now();
    const agent = await scriptedAgent(h, llm.url, {
      settings: { requestTimeoutMs: 30_000, budget: { maxTokens: 1e6, maxWallMs: 400, maxCostUsd: 10 } },
    });
    const f = failure(await agent.investigate(diagnosis));
    assert.equal(f.reason, "budget_time");
    assert.ok(Date.now() - started < 5_000, "ends at the budget, not at the request timeout");
  });

  test("the caller's abort ends it too", async () => {
    const llm = await scripted({ script: () => ({ hang: true }) });
    const agent = await scriptedAgent(h, llm.url, { settings: { requestTimeoutMs: 30_000 } });
    const f = failure(await agent.investigate(diagnosis, { signal: AbortSignal.timeout(300) }));
    assert.equal(f.reason, "timeout");
    assert.match(f.detail, /aborted by the caller/);
  });
});

describe("budgets", () => {
  // 100k prompt tokens per answer: after the second the total is over 150k (the first request's own size is far below).
  const heavy = { ...curious, usage: () => ({ prompt: 100_000, completion: 10 }) };

  test("the token budget ends the investigation after the answer that spends it", async () => {
    const llm = await scripted(heavy);
    const agent = await scriptedAgent(h, llm.url, { settings: { budget: { maxTokens: 150_000, maxWallMs: 60_000, maxCostUsd: 10 } } });
    const f = failure(await agent.investigate(diagnosis));
    assert.equal(f.reason, "budget_tokens");
    assert.equal(llm.requests.length, 2);
    assert.deepEqual(f.tokens, { prompt: 200_000, completion: 20 });
    assert.equal(f.toolCalls, 1);
  });

  test("a request that would overrun the token budget is never sent", async () => {
    const llm = await scripted(curious);
    const agent = await scriptedAgent(h, llm.url, { settings: { budget: { maxTokens: 500, maxWallMs: 60_000, maxCostUsd: 10 } } });
    const f = failure(await agent.investigate(diagnosis));
    assert.equal(f.reason, "budget_tokens");
    assert.match(f.detail, /with the next request/);
    assert.equal(llm.requests.length, 0);
  });

  test("the cost budget, from the price table", async () => {
    const llm = await scripted(heavy);
    const agent = await scriptedAgent(h, llm.url, {
      settings: {
        budget: { maxTokens: 1e9, maxWallMs: 60_000, maxCostUsd: 0.15 },
        prices: { "scripted-model": { inputPerMTokUsd: 1, outputPerMTokUsd: 0 } },
      },
    });
    const f = failure(await agent.investigate(diagnosis));
    assert.equal(f.reason, "budget_cost");
    assert.equal(llm.requests.length, 2);
    assert.equal(f.estimatedCostUsd, 0.2);
  });

  test("a model missing from the price table costs 0, with a warning, and stays bounded by tokens", async () => {
    const llm = await scripted(heavy);
    const { log, lines } = capturingLog();
    const agent = await scriptedAgent(h, llm.url, {
      log,
      settings: { prices: {}, budget: { maxTokens: 150_000, maxWallMs: 60_000, maxCostUsd: 0.000001 } },
    });
    const f = failure(await agent.investigate(diagnosis));
    assert.equal(f.reason, "budget_tokens");
    assert.equal(f.estimatedCostUsd, 0);
    assert.ok(lines.some((l) => l.level === 40 && /not in the LLM price table/.test(String(l.msg))));
    const failed = lines.find((l) => l.msg === "llm investigation failed");
    assert.equal(failed?.incidentId, diagnosis.incidentId);
    assert.equal(failed?.correlationId, diagnosis.correlationId);
  });
});

describe("providers", () => {
  test("openai with a base URL is any OpenAI-compatible server, with the key as a bearer token", async () => {
    const llm = await scripted({ script: [{ content: "pong" }] });
    const model = await createChatModel(scriptedSettings(llm.url, { apiKey: "sk-test-123" }));
    const answer = await model.invoke("ping");
    assert.equal(answer.content, "pong");
    assert.equal(llm.requests[0]!.headers.authorization, "Bearer sk-test-123");
    assert.equal(llm.requests[0]!.body.temperature, 0);
  });

  test("a provider whose package is not installed names the package to install", async () => {
    await assert.rejects(
      createChatModel(scriptedSettings("http://127.0.0.1:1/v1", { provider: "anthropic", model: "claude-x" })),
      (err: Error) => err instanceof InvalidInputError && /needs the npm package @langchain\/anthropic/.test(err.message),
    );
  });

  test("an unknown provider lists the known ones", async () => {
    await assert.rejects(
      createChatModel(scriptedSettings("http://127.0.0.1:1/v1", { provider: "skynet" })),
      (err: Error) =>
        err instanceof InvalidInputError &&
        /"skynet" is not a LangChain chat model provider; use one of: none, openai, azure_openai, anthropic/.test(err.message),
    );
  });

  test("azure_openai builds an Azure client for the deployment", async () => {
    const model = await createChatModel(
      scriptedSettings("https://example.openai.azure.com/", { provider: "azure_openai", model: "gpt-4o-prod" }),
    );
    assert.ok(model instanceof AzureChatOpenAI);
    assert.equal(model.azureOpenAIApiDeploymentName, "gpt-4o-prod");
    assert.equal(model.azureOpenAIEndpoint, "https://example.openai.azure.com/");
  });
});
