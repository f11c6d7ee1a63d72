export { startScriptedLlm } from "./server.js";
export type { ScriptedLlm, RecordedRequest, RejectedRequest, StartScriptedLlmOptions } from "./server.js";
export type { Script, ScriptStep, UsageFn } from "./script.js";
export { chatRequestSchema } from "./chat-request.js";
export type { ChatRequest, ChatMessage } from "./chat-request.js";
