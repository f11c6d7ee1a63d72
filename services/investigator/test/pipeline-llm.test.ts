// The LLM path through the whole service, against the scripted OpenAI-compatible server (the real
// /v1/chat/completions protocol, real ChatOpenAI): the model calls a tool, the tool's result (read from the
// simulated cluster) reaches the model in the next request, the model submits its decision, and the proposal
// published names the model, its tokens and cost. Then the model server answering 500: the rules decide, and
// the proposal says so, keeping what the failed attempt spent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DiagnosisMessage, topics } from "@vigil/contracts";
import { type NatsServerHandle, type ScriptedLlm, type ScriptStep, startNats, startScriptedLlm } from "@vigil/testing";
import { diagnoseScenario, type Harness, proposalOf, startHarness } from "./harness.js";

const MODEL = "scripted-model";
const PRICES = { [MODEL]: { inputPerMTokUsd: 1, outputPerMTokUsd: 2 } };

describe("investigator pipeline with a model", () => {
  let nats: NatsServerHandle;
  let llm: ScriptedLlm;
  let h: Harness;
  let diagnosis: DiagnosisMessage;
  /** What the scripted model does for the diagnosis being investigated now (tests run one at a time). */
  let script: (turn: number) => ScriptStep = () => ({ status: 500, body: { error: { message: "not scripted" } } });

  before(async () => {
    nats = await startNats();
    llm = await startScriptedLlm({ script: (_req, turn) => script(turn), model: MODEL });
    h = await startHarness(nats.url, {
      scenario: "oom-crashloop",
      env: {
        LLM_PROVIDER: "openai",
        LLM_MODEL: MODEL,
        LLM_BASE_URL: llm.url,
        LLM_API_KEY: "test-key",
        LLM_REQUEST_TIMEOUT: "10s",
        LLM_PRICES: JSON.stringify(PRICES),
      },
    });
    diagnosis = await diagnoseScenario("oom-crashloop", "llm", h.sim);
  });
  after(async () => {
    await h?.stop();
    await llm?.close();
    await nats?.stop();
  });

  it("runs the tool loop: describe_pod's result reaches the model, its decision is published with model, tokens and cost", async () => {
    const pod = diagnosis.target!;
    assert.equal(pod.kind, "Pod");
    const first = llm.requests.length;
    script = (turn) =>
      turn === 0
        ? { toolCalls: [{ name: "describe_pod", args: { namespace: pod.namespace, name: pod.name } }] }
        : {
            toolCalls: [
              {
                name: "submit_decision",
                args: {
                  kind: "action",
                  action: "restart_pod",
                  target: { kind: "Pod", namespace: pod.namespace, name: pod.name },
                  parameters: {},
                  confidence: 0.9,
                  risk: "low",
                  reasoning: "The container keeps getting OOMKilled; a restart is the least invasive first step.",
                  hypotheses: [],
                  alternatives: [{ action: "increase_resources", whyNot: "scripted for this test" }],
                },
              },
            ],
          };
    const diag = { ...diagnosis, id: "diag-llm-loop" };
    await h.bus.publish(topics.diagnoses, diag);
    const p = await proposalOf(h.jsm, diag, 30_000);

    assert.equal(p.source, "llm");
    assert.equal(p.model, MODEL);
    assert.equal(p.kind, "action");
    if (p.kind === "action") assert.equal(p.action, "restart_pod");
    assert.ok(p.tokens.prompt > 0 && p.tokens.completion > 0, JSON.stringify(p.tokens));
    const cost = (p.tokens.prompt * 1 + p.tokens.completion * 2) / 1_000_000;
    assert.ok(Math.abs(p.estimatedCostUsd - cost) < 1e-9, `${p.estimatedCostUsd} vs ${cost}`);

    const requests = llm.requests.slice(first);
    assert.ok(requests.length >= 2, `model asked ${requests.length} times`);
    const toolNames = (requests[0]!.body.tools ?? []).map((t) => t.function.name);
    assert.ok(toolNames.includes("describe_pod") && toolNames.includes("submit_decision"), toolNames.join(", "));
    // The tool ran against the simulated cluster and its answer is in the next request, as a tool message.
    const toolMessages = requests[1]!.body.messages.filter((m) => m.role === "tool");
    assert.ok(toolMessages.length >= 1, "the tool result reaches the model");
    assert.match(JSON.stringify(toolMessages[0]!.content), /OOMKilled/);

    const metrics = await (await fetch(`${h.investigator.url}/metrics`)).text();
    assert.match(metrics, /vigil_investigator_tool_calls_total\{tool="describe_pod",result="ok"\} 1/);
    assert.match(metrics, new RegExp(`vigil_investigator_llm_tokens_total\\{model="${MODEL}",type="prompt"\\} ${p.tokens.prompt}`));
    assert.match(metrics, /vigil_investigator_decision_paths_total\{path="llm"\} 1/);
  });

  it("a model server answering 500 leaves the decision to the rules, and the proposal says so", async () => {
    script = () => ({ status: 500, body: { error: { message: "upstream exploded" } } });
    const diag = { ...diagnosis, id: "diag-llm-500" };
    await h.bus.publish(topics.diagnoses, diag);
    const p = await proposalOf(h.jsm, diag, 60_000);
    assert.equal(p.source, "rules");
    assert.ok(p.ruleId);
    assert.match(p.reasoning, /^LLM fallback \(model_error\): /);
    assert.equal(p.kind, "action");
    if (p.kind === "action") assert.equal(p.action, "increase_resources");
    const metrics = await (await fetch(`${h.investigator.url}/metrics`)).text();
    assert.match(metrics, /vigil_investigator_llm_fallbacks_total\{reason="model_error"\} 1/);
    assert.match(metrics, /vigil_investigator_decision_paths_total\{path="llm_fallback"\} 1/);
  });
});
