// The bounded LLM investigation: one diagnosis in, a validated Decision (or a failure reason) out.
//
// An explicit loop over `model.bindTools(...)` rather than langchain's createAgent: every bound here is one
// line at the point it applies (the budget before a request is sent and after each answer, the duplicate
// refusal and tool-call budget before a tool runs, screening before a result can reach the model), where
// createAgent would spread them over several middlewares, a graph recursion limit and a state reducer that
// silently drops messages whose ids repeat. The loop stays provider-neutral: it only needs bindTools.
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { DiagnosisMessage, ResourceRef } from "@vigil/contracts";
import { InvalidInputError } from "@vigil/errors";
import { runTool, toolInputJsonSchema, type ToolContext, type ToolDefinition } from "@vigil/toolbox";
import type { Logger } from "pino";
import type { Decision } from "../decision.js";
import { asUntrustedData, Masker, screenValue, type MaskingOptions, type ScreeningFlag } from "../safety/index.js";
import { InvestigationBudget } from "./budget.js";
import { AgentStop, classifyModelError, type FailedOutcome } from "./failure.js";
import { ToolCallGuard } from "./loop-guard.js";
import { ANSWER_WITH_TOOL, diagnosisForModel, systemPrompt, userPrompt } from "./prompt.js";
import { checkSubmission, SUBMIT_DECISION, submitDecisionTool, type DecisionDraft } from "./submit-decision.js";
import type { LlmSettings } from "./settings.js";

export type AgentOutcome = { ok: true; decision: Decision; toolCalls: number } | FailedOutcome;

export interface InvestigationAgentOptions {
  model: BaseChatModel;
  settings: LlmSettings;
  tools: readonly ToolDefinition[];
  toolContext: ToolContext;
  masking?: MaskingOptions;
  log?: Logger;
  /** For metrics: every tool that ran, its duration and whether it answered. */
  onToolCall?: (name: string, ms: number, ok: boolean) => void;
}

/** A model's answer: at most two invalid ones (a bad submission or plain text) before it fails `invalid_output`. */
const MAX_INVALID_ANSWERS = 2;

interface Call {
  id: string;
  name: string;
  args: unknown;
  /** Set when the arguments were not valid JSON. */
  invalid?: string;
}

/** One investigation's state: its messages, budget, guard, masker. */
interface Run {
  messages: BaseMessage[];
  budget: InvestigationBudget;
  guard: ToolCallGuard;
  masker: Masker;
  evidenceIds: ReadonlySet<string>;
  invalidAnswers: number;
  log?: Logger;
}

export class InvestigationAgent {
  private readonly bound: ReturnType<NonNullable<BaseChatModel["bindTools"]>>;
  private readonly toolsByName: ReadonlyMap<string, ToolDefinition>;

  constructor(private readonly opts: InvestigationAgentOptions) {
    if (!opts.model.bindTools) throw new InvalidInputError(`the ${opts.settings.provider} chat model does not support tool calling`);
    this.toolsByName = new Map(opts.tools.map((t) => [t.name, t]));
    const definitions = opts.tools.map((t) => ({
      type: "function" as const,
      function: { name: t.name, description: t.description, parameters: toolInputJsonSchema(t) },
    }));
    this.bound = opts.model.bindTools([...definitions, submitDecisionTool()]);
    if (!(opts.settings.model in opts.settings.prices)) {
      opts.log?.warn({ model: opts.settings.model }, "model not in the LLM price table: its cost counts as 0 (tokens are still bounded)");
    }
  }

  async investigate(diagnosis: DiagnosisMessage, options: { signal?: AbortSignal } = {}): Promise<AgentOutcome> {
    const log = this.opts.log?.child({ incidentId: diagnosis.incidentId, correlationId: diagnosis.correlationId });
    const run: Run = {
      messages: [],
      budget: new InvestigationBudget(this.opts.settings, options.signal),
      guard: new ToolCallGuard(this.opts.settings.maxToolCalls),
      masker: new Masker(this.opts.masking),
      evidenceIds: new Set(diagnosis.findings.flatMap((f) => f.evidence.map((e) => e.id))),
      invalidAnswers: 0,
      ...(log ? { log } : {}),
    };
    try {
      const draft = await this.loop(run, diagnosis);
      const decision = { ...draft, source: "llm", model: this.opts.settings.model, ...this.spent(run) } as Decision;
      log?.info(
        { kind: decision.kind, toolCalls: run.guard.calls, ...this.spent(run), ms: run.budget.elapsedMs },
        "llm investigation decided",
      );
      return { ok: true, decision, toolCalls: run.guard.calls };
    } catch (err) {
      const stop = err instanceof AgentStop ? err : new AgentStop("model_error", err instanceof Error ? err.message : String(err));
      log?.warn({ reason: stop.reason, detail: stop.detail, toolCalls: run.guard.calls, ...this.spent(run) }, "llm investigation failed");
      return {
        ok: false,
        reason: stop.reason,
        detail: stop.detail,
        ...this.spent(run),
        toolCalls: run.guard.calls,
        ...(stop.screening ? { screening: stop.screening } : {}),
      };
    }
  }

  private spent(run: Run): { tokens: { prompt: number; completion: number }; estimatedCostUsd: number } {
    return { tokens: { ...run.budget.tokens }, estimatedCostUsd: run.budget.costUsd };
  }

  private async loop(run: Run, diagnosis: DiagnosisMessage): Promise<DecisionDraft> {
    // Screened before anything is sent: flagged input fails closed, and the model never sees it.
    stopIfFlagged(screenValue(diagnosis, "diagnosis"));
    if (this.opts.masking?.maskNames) run.masker.addNames(namesIn(diagnosis));
    const block = asUntrustedData("diagnosis", JSON.stringify(run.masker.maskValue(diagnosisForModel(diagnosis))));
    run.messages.push(new SystemMessage(systemPrompt()), new HumanMessage(userPrompt(block, diagnosis.candidateActions)));

    for (;;) {
      const calls = await this.ask(run);
      if (calls.length === 0) {
        this.invalidAnswer(run, "answered in plain text instead of calling a tool");
        run.messages.push(new HumanMessage(ANSWER_WITH_TOOL));
        continue;
      }
      const decided = this.submission(run, calls);
      if (decided) return decided;
      run.messages.push(...(await this.runTools(run, calls)));
    }
  }

  /** One model request within the budget; the answer joins the history, its tool calls are returned. */
  private async ask(run: Run): Promise<Call[]> {
    const requestChars = charsOf(run.messages);
    const over = run.budget.exceeded(requestChars);
    if (over) throw new AgentStop(over.reason, over.detail);
    if (run.budget.signal.aborted) throw classifyModelError(run.budget.signal.reason, this.abortState(run));
    let answer: AIMessage;
    try {
      answer = await this.bound.invoke(run.messages, { signal: run.budget.signal });
    } catch (err) {
      throw classifyModelError(err, this.abortState(run));
    }
    const calls = callsOf(answer);
    run.budget.record(answer.usage_metadata, { requestChars, responseChars: charsOf([answer]) });
    const after = run.budget.exceeded();
    if (after) throw new AgentStop(after.reason, after.detail);
    // Re-built when a call had unparseable arguments or no id, so every tool message below answers a call the history shows.
    const wellFormed = calls.every((c) => !c.invalid) && (answer.tool_calls ?? []).every((c) => c.id);
    run.messages.push(
      wellFormed
        ? answer
        : new AIMessage({ content: answer.content, tool_calls: calls.map((c) => ({ id: c.id, name: c.name, args: {} })) }),
    );
    return calls;
  }

  private abortState(run: Run): { outOfTime: boolean; aborted: boolean } {
    return { outOfTime: run.budget.outOfTime, aborted: run.budget.signal.aborted };
  }

  private invalidAnswer(run: Run, why: string): void {
    run.invalidAnswers++;
    run.log?.info({ invalidAnswers: run.invalidAnswers, why }, "invalid model answer");
    if (run.invalidAnswers >= MAX_INVALID_ANSWERS) throw new AgentStop("invalid_output", `the model ${why}, ${run.invalidAnswers} times`);
  }

  /**
   * The decision, when the turn submits a valid one. An invalid submission's error goes back as its tool
   * result (masked: the error may quote the arguments); the turn's other calls still run.
   */
  private submission(run: Run, calls: Call[]): DecisionDraft | undefined {
    for (const call of calls.filter((c) => c.name === SUBMIT_DECISION)) {
      const checked = call.invalid
        ? { ok: false as const, error: call.invalid }
        : checkSubmission(run.masker.unmask(call.args), run.evidenceIds);
      if (checked.ok) return checked.draft;
      this.invalidAnswer(run, `submitted an invalid decision: ${checked.error}`);
      call.invalid = `Invalid decision, fix it and call ${SUBMIT_DECISION} again:\n${run.masker.mask(checked.error)}`;
    }
    return undefined;
  }

  /** Runs the turn's tool calls in parallel (each admitted by the guard first), screened, masked, as tool messages. */
  private async runTools(run: Run, calls: Call[]): Promise<ToolMessage[]> {
    // A submit_decision here was invalid (a valid one ended the loop): its answer is the validation error.
    const verdicts = calls.map((c) =>
      c.name === SUBMIT_DECISION ? { run: false as const, refusal: c.invalid ?? "" } : this.admit(run, c),
    );
    const results = await Promise.all(
      calls.map(async (call, i): Promise<{ text: string; flags: ScreeningFlag[] }> => {
        const verdict = verdicts[i]!;
        if (!verdict.run) return { text: verdict.refusal, flags: [] };
        return this.runOne(run, call);
      }),
    );
    if (run.budget.outOfTime) throw new AgentStop("budget_time", "the investigation's wall-time budget ran out while tools ran");
    stopIfFlagged(results.flatMap((r) => r.flags));
    return results.map((r, i) => new ToolMessage({ content: r.text, tool_call_id: calls[i]!.id, name: calls[i]!.name }));
  }

  /** Whether the call may run, or the text that answers it instead; past the tool-call budget the investigation ends. */
  private admit(run: Run, call: Call): { run: true } | { run: false; refusal: string } {
    const verdict = run.guard.admit(call.name, call.args);
    if (!verdict.run && verdict.budgetSpent) {
      const detail = `the model requested more than ${this.opts.settings.maxToolCalls} tool calls (last: ${call.name})`;
      throw new AgentStop("tool_call_budget", detail);
    }
    if (!verdict.run) {
      run.log?.info({ tool: call.name }, "refused a repeated tool call");
      return verdict;
    }
    if (call.invalid) return { run: false, refusal: `Error: ${call.invalid}` };
    if (!this.toolsByName.has(call.name)) return { run: false, refusal: `Error: there is no tool named ${call.name}` };
    return verdict;
  }

  private async runOne(run: Run, call: Call): Promise<{ text: string; flags: ScreeningFlag[] }> {
    const tool = this.toolsByName.get(call.name)!;
    const started = performance.now();
    const result = await runTool(tool, this.opts.toolContext, run.masker.unmask(call.args), { signal: run.budget.signal });
    const ms = performance.now() - started;
    this.opts.onToolCall?.(tool.name, ms, result.ok);
    run.log?.debug({ tool: tool.name, ok: result.ok, ms: Math.round(ms), trimmed: result.trimmed }, "tool call");
    const flags = screenValue(result.ok ? result.data : result.error, `tool:${tool.name}`);
    return { text: asUntrustedData(`${tool.name} result`, run.masker.mask(result.text)), flags };
  }
}

function stopIfFlagged(flags: ScreeningFlag[]): void {
  if (flags.length === 0) return;
  const rules = [...new Set(flags.map((f) => f.rule))].join(", ");
  throw new AgentStop("screened", `instruction-like content in ${flags[0]!.source} (${rules}): nothing more was sent to the model`, flags);
}

/** The answer's tool calls, valid and unparseable alike, each with an id (generated when the server gave none). */
function callsOf(answer: AIMessage): Call[] {
  const valid = (answer.tool_calls ?? []).map((c, i) => ({ id: c.id ?? `call_${i}`, name: c.name, args: c.args as unknown }));
  const invalid = (answer.invalid_tool_calls ?? []).map((c, i) => ({
    id: c.id ?? `call_invalid_${i}`,
    name: c.name ?? "unknown",
    // The raw text: what the loop guard compares, so the same broken call twice is a repeat but not a valid call's twin.
    args: c.args ?? "",
    invalid: `the arguments were not valid JSON${c.error ? ` (${c.error})` : ""}`,
  }));
  return [...valid, ...invalid];
}

/** Characters of what the messages send: content and tool-call arguments (for the budget's approximations). */
function charsOf(messages: readonly BaseMessage[]): number {
  return messages.reduce((sum, m) => {
    const content = typeof m.content === "string" ? m.content.length : JSON.stringify(m.content).length;
    const calls = m instanceof AIMessage && m.tool_calls?.length ? JSON.stringify(m.tool_calls).length : 0;
    return sum + content + calls;
  }, 0);
}

/** Resource names the diagnosis mentions (target, owner chain, related, finding resources): masked when maskNames. */
function namesIn(d: DiagnosisMessage): string[] {
  const refs: ResourceRef[] = [
    d.owner,
    ...(d.target ? [d.target] : []),
    ...d.ownerChain,
    ...d.relatedResources,
    ...d.findings.map((f) => f.resource),
  ];
  // The cluster-wide owner of node-less alerts is named "cluster": a word, not a name worth hiding.
  return [...new Set(refs.filter((r) => r.kind !== "Cluster").map((r) => r.name))];
}
