// OpenAI's wire shapes for one assistant turn: a `chat.completion` body, or the `chat.completion.chunk`
// sequence a streaming client reassembles (role, content pieces, tool-call deltas, finish, usage).

export interface AssistantTurn {
  content: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason: "stop" | "tool_calls";
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export function assistantTurn(
  step: { toolCalls: Array<{ name: string; args: unknown }> } | { content: string },
  newToolCallId: () => string,
): AssistantTurn {
  if ("content" in step) return { content: step.content, toolCalls: [], finishReason: "stop" };
  const toolCalls = step.toolCalls.map((call) => ({
    id: newToolCallId(),
    name: call.name,
    arguments: typeof call.args === "string" ? call.args : JSON.stringify(call.args ?? {}),
  }));
  return { content: null, toolCalls, finishReason: "tool_calls" };
}

/** What the default usage counts as the completion: the text plus each tool call's name and arguments. */
export function responseChars(turn: AssistantTurn): number {
  return (turn.content ?? "").length + turn.toolCalls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0);
}

export function completionBody(meta: CompletionMeta, turn: AssistantTurn, usage: Usage): object {
  const message: Record<string, unknown> = { role: "assistant", content: turn.content, refusal: null };
  if (turn.toolCalls.length > 0) {
    message["tool_calls"] = turn.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    ...envelope(meta, "chat.completion"),
    choices: [{ index: 0, message, logprobs: null, finish_reason: turn.finishReason }],
    usage,
  };
}

/** The chunks in order; with `usage`, every chunk carries `usage: null` and a last one has no choices, as OpenAI sends. */
export function completionChunks(meta: CompletionMeta, turn: AssistantTurn, usage: Usage | undefined): object[] {
  const deltas: Array<Record<string, unknown>> = [{ role: "assistant", content: turn.content === null ? null : "" }];
  for (const piece of turn.content === null ? [] : textPieces(turn.content)) deltas.push({ content: piece });
  turn.toolCalls.forEach((call, index) => {
    deltas.push({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] });
    for (const fragment of fixedPieces(call.arguments, 16)) deltas.push({ tool_calls: [{ index, function: { arguments: fragment } }] });
  });
  const extra = usage === undefined ? {} : { usage: null };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null): object => ({
    ...envelope(meta, "chat.completion.chunk"),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...extra,
  });
  const chunks = deltas.map((delta) => chunk(delta, null));
  chunks.push(chunk({}, turn.finishReason));
  if (usage !== undefined) chunks.push({ ...envelope(meta, "chat.completion.chunk"), choices: [], usage });
  return chunks;
}

function envelope(meta: CompletionMeta, object: string): object {
  return { id: meta.id, object, created: meta.created, model: meta.model, system_fingerprint: null };
}

/** Words with their trailing whitespace, so pieces concatenate back to the exact text. */
function textPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === "" ? [] : [text]);
}

function fixedPieces(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
