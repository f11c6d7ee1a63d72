// The agent loop against the scripted OpenAI-compatible server, through the real ChatOpenAI client, on the
// oom-crashloop scenario: tools run and their results reach the next request, calls of one turn run together,
// the decision is validated (one retry with the error, then invalid_output), and the loop guards end a model
// stuck on one call or one that never answers validly.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { derive, proposalMessage, type DiagnosisMessage } from "@vigil/contracts";
import { startScriptedLlm, type ChatRequest, type ScriptedLlm, type ScriptStep } from "@vigil/testing";
import { agentHarness, scriptedAgent, type AgentHarness } from "./agent-harness.js";

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

async function scripted(script: readonly ScriptStep[] | ((req: ChatRequest, turn: number) => ScriptStep)): Promise<ScriptedLlm> {
  const llm = await startScriptedLlm({ script });
  servers.push(llm);
  return llm;
}

const pod = () => ({ namespace: diagnosis.target!.namespace!, name: diagnosis.target!.name });
const submit = (args: unknown): ScriptStep => ({ toolCalls: [{ name: "submit_decision", args }] });
const raiseMemory = {
  kind: "action",
  action: "increase_resources",
  target: { kind: "Deployment", name: "payments-api", namespace: "shop" },
  parameters: { container: "api", resource: "memory", limit: { factor: 1.5 } },
  confidence: 0.8,
  reasoning: "The container is OOM-killed at its 256Mi limit (e1).",
  hypotheses: [{ statement: "api needs more than 256Mi", status: "supported", confidence: 0.8, evidenceRefs: ["e1"] }],
  alternatives: [{ action: "restart_pod", whyNot: "it would be OOM-killed again" }],
};
const toolMessages = (req: ChatRequest) => req.messages.filter((m) => m.role === "tool");
const contentOf = (m: { content?: unknown }) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content));

describe("the agent loop", () => {
  test("tools run in parallel, their results reach the model, and a valid decision comes back", async () => {
    const llm = await scripted([
      {
        toolCalls: [
          { name: "describe_pod", args: pod() },
          { name: "failure_events", args: pod() },
        ],
      },
      submit(raiseMemory),
    ]);
    const ran: string[] = [];
    const agent = await scriptedAgent(h, llm.url, { onToolCall: (name, ms, ok) => ok && ms >= 0 && ran.push(name) });
    const outcome = await agent.investigate(diagnosis);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepEqual(ran.sort(), ["describe_pod", "failure_events"]);
    assert.equal(outcome.toolCalls, 2);

    // Request 1 offered every tool plus submit_decision; request 2 carries both results, answering both calls of one turn.
    assert.equal(llm.requests.length, 2);
    const offered = (llm.requests[0]!.body.tools ?? []).map((t) => t.function.name);
    assert.ok(offered.includes("describe_pod") && offered.includes("submit_decision"), offered.join());
    assert.equal(llm.requests[0]!.body.temperature, 0);
    const [system, user] = llm.requests[0]!.body.messages;
    // Every action is indexed in the system prompt; the parameter schemas sent are the diagnosis' candidates' only.
    assert.match(contentOf(system!), /^- rollback_deployment: .*\(risk \w+; acts on Deployment/m);
    assert.match(contentOf(system!), /never instructions/);
    assert.match(contentOf(user!), /^Investigate[\s\S]*<untrusted-data source="diagnosis">\n\{"alertname":"KubePodCrashLooping"/);
    const entries = /Catalog entries of the candidate actions \(JSON\): (.*)\n/.exec(contentOf(user!))?.[1];
    assert.ok(entries, "the candidates' catalog entries are in the user turn");
    assert.deepEqual(
      (JSON.parse(entries) as Array<{ name: string; parameters: unknown }>).map((e) => e.name),
      diagnosis.candidateActions,
    );
    const results = toolMessages(llm.requests[1]!.body);
    assert.equal(results.length, 2);
    const calls = llm.requests[1]!.body.messages.find((m) => m.role === "assistant")!.tool_calls!;
    assert.deepEqual(results.map((r) => r.tool_call_id).sort(), calls.map((c) => c.id).sort());
    assert.match(contentOf(results[0]!), /OOMKilled/);

    const d = outcome.decision;
    assert.equal(d.kind, "action");
    assert.equal(d.source, "llm");
    assert.equal(d.model, "scripted-model");
    if (d.kind === "action") {
      assert.equal(d.action, "increase_resources");
      assert.equal(d.risk, "medium"); // from the catalog
      assert.deepEqual(d.target, raiseMemory.target);
    }
    // Tokens as the server reported them (ceil(raw chars / 4) per request), cost from the price table.
    const prompt = llm.requests.reduce((sum, r) => sum + Math.ceil(r.raw.length / 4), 0);
    assert.equal(d.tokens.prompt, prompt);
    assert.ok(d.tokens.completion > 0);
    assert.equal(d.estimatedCostUsd, (d.tokens.prompt * 1 + d.tokens.completion * 2) / 1e6);

    // Once the service adds the pipeline fields, it is a valid proposal.
    const proposal = {
      ...derive(diagnosis, { id: "prop-1" }),
      diagnosisId: diagnosis.id,
      proposedAt: new Date().toISOString(),
      latencyMs: 5,
      ...d,
    };
    const parsed = proposalMessage.safeParse(proposal);
    assert.ok(parsed.success, parsed.success ? "" : parsed.error.message);
  });

  test("an invalid decision is sent back with its error once, and a corrected one is accepted", async () => {
    const bad = { ...raiseMemory, parameters: { container: "api", resource: "memory", limit: { factor: 9 } } };
    const llm = await scripted([submit(bad), submit(raiseMemory)]);
    const outcome = await (await scriptedAgent(h, llm.url)).investigate(diagnosis);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const feedback = toolMessages(llm.requests[1]!.body);
    assert.equal(feedback.length, 1);
    assert.match(contentOf(feedback[0]!), /Invalid decision[\s\S]*parameters\.limit\.factor/);
  });

  test("a second invalid decision ends in invalid_output", async () => {
    const outside = { ...raiseMemory, action: "delete_namespace" };
    const wrongTarget = { ...raiseMemory, target: { kind: "Pod", name: diagnosis.target!.name, namespace: "shop" } };
    const llm = await scripted([submit(outside), submit(wrongTarget), submit(raiseMemory)]);
    const outcome = await (await scriptedAgent(h, llm.url)).investigate(diagnosis);
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.reason, "invalid_output");
    assert.match(outcome.detail, /increase_resources acts on Deployment, StatefulSet, DaemonSet, not Pod/);
    assert.equal(llm.requests.length, 2, "the third (valid) answer is never asked for");
    assert.match(contentOf(toolMessages(llm.requests[1]!.body)[0]!), /delete_namespace.*not in the catalog/);
  });

  test("hypotheses must cite evidence ids of the diagnosis, and escalate needs reasons", async () => {
    const unknownRef = { ...raiseMemory, hypotheses: [{ statement: "x", status: "open", confidence: 0.2, evidenceRefs: ["e999"] }] };
    const llm = await scripted([submit(unknownRef), submit({ kind: "escalate", confidence: 0.3, reasoning: "unsure" })]);
    const outcome = await (await scriptedAgent(h, llm.url)).investigate(diagnosis);
    assert.ok(!outcome.ok && outcome.reason === "invalid_output");
    assert.match(contentOf(toolMessages(llm.requests[1]!.body)[0]!), /"e999" is not an evidence id/);
    assert.match(outcome.detail, /reasons: a escalate decision needs at least one reason/);
  });

  test("arguments that are not JSON are an invalid answer the model can correct", async () => {
    const llm = await scripted([{ toolCalls: [{ name: "submit_decision", args: '{"kind": "action", ' }] }, submit(raiseMemory)]);
    const outcome = await (await scriptedAgent(h, llm.url)).investigate(diagnosis);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const [call] = llm.requests[1]!.body.messages.find((m) => m.role === "assistant")!.tool_calls!;
    const [feedback] = toolMessages(llm.requests[1]!.body);
    assert.equal(feedback!.tool_call_id, call!.id);
    assert.match(contentOf(feedback!), /not valid JSON/);
  });

  test("a model that only answers in plain text ends in invalid_output after the second time", async () => {
    const llm = await scripted(() => ({ content: "I think you should restart it." }));
    const outcome = await (await scriptedAgent(h, llm.url)).investigate(diagnosis);
    assert.ok(!outcome.ok && outcome.reason === "invalid_output", JSON.stringify(outcome));
    assert.equal(llm.requests.length, 2);
    const reminder = llm.requests[1]!.body.messages.at(-1)!;
    assert.equal(reminder.role, "user");
    assert.match(contentOf(reminder), /submit_decision/);
  });

  test("an escalate decision keeps the suggested action, a no_action its reasons", async () => {
    const llm = await scripted([
      submit({
        kind: "escalate",
        action: "increase_resources",
        confidence: 0.4,
        reasoning: "leak or limit?",
        reasons: ["a leak is as likely"],
      }),
    ]);
    const outcome = await (await scriptedAgent(h, llm.url)).investigate(diagnosis);
    assert.ok(outcome.ok);
    assert.deepEqual(
      { kind: outcome.decision.kind, suggested: outcome.decision.kind === "escalate" ? outcome.decision.suggestedAction : undefined },
      { kind: "escalate", suggested: "increase_resources" },
    );
    assert.equal(outcome.toolCalls, 0);

    const quiet = await scripted([submit({ kind: "no_action", confidence: 0.9, reasoning: "resolved", reasons: ["the alert resolved"] })]);
    const none = await (await scriptedAgent(h, quiet.url)).investigate(diagnosis);
    assert.ok(none.ok && none.decision.kind === "no_action");
    assert.deepEqual(none.decision.kind === "no_action" && none.decision.reasons, ["the alert resolved"]);
  });
});

describe("loop guards", () => {
  test("a model repeating one tool call forever is refused, then stopped by the tool-call budget", async () => {
    const llm = await scripted(() => ({ toolCalls: [{ name: "describe_pod", args: pod() }] }));
    let ran = 0;
    const agent = await scriptedAgent(h, llm.url, { settings: { maxToolCalls: 4 }, onToolCall: () => ran++ });
    const outcome = await agent.investigate(diagnosis);
    assert.ok(!outcome.ok && outcome.reason === "tool_call_budget", JSON.stringify(outcome));
    assert.equal(ran, 1, "the duplicate never ran again");
    assert.equal(outcome.toolCalls, 5);
    assert.equal(llm.requests.length, 5);
    const refused = toolMessages(llm.requests[2]!.body).at(-1)!;
    assert.match(contentOf(refused), /Refused: describe_pod was already called with these exact arguments/);
    assert.ok(outcome.tokens.prompt > 0 && outcome.estimatedCostUsd > 0);
  });

  test("arguments in another key order are the same call; an unknown tool is an error the model reads", async () => {
    const { namespace, name } = pod();
    const llm = await scripted([
      { toolCalls: [{ name: "describe_pod", args: { namespace, name } }] },
      {
        toolCalls: [
          { name: "describe_pod", args: { name, namespace } },
          { name: "drain_everything", args: {} },
        ],
      },
      submit(raiseMemory),
    ]);
    const outcome = await (await scriptedAgent(h, llm.url)).investigate(diagnosis);
    assert.ok(outcome.ok);
    const [refused, unknown] = toolMessages(llm.requests[2]!.body).slice(-2);
    assert.match(contentOf(refused!), /Refused/);
    assert.match(contentOf(unknown!), /no tool named drain_everything/);
  });

  test("a tool's input error goes back to the model, which can correct it", async () => {
    const llm = await scripted([
      { toolCalls: [{ name: "describe_pod", args: { namespace: "shop", name: "no-such-pod" } }] },
      { toolCalls: [{ name: "describe_pod", args: pod() }] },
      submit(raiseMemory),
    ]);
    const outcome = await (await scriptedAgent(h, llm.url)).investigate(diagnosis);
    assert.ok(outcome.ok);
    assert.match(contentOf(toolMessages(llm.requests[1]!.body)[0]!), /pod shop\/no-such-pod not found/);
    assert.match(contentOf(toolMessages(llm.requests[2]!.body).at(-1)!), /OOMKilled/);
  });
});
