// The bounded LLM investigation agent: the chat model per provider, the loop with its guards and budgets,
// and the validated submit_decision answer.
export { createChatModel, MODEL_MAX_RETRIES } from "./chat-model.js";
export { InvestigationAgent, type AgentOutcome, type InvestigationAgentOptions } from "./investigation-agent.js";
export type { AgentFailure } from "./failure.js";
export { estimateCostUsd, type LlmSettings, type PriceTable, type TokenUsage } from "./settings.js";
export { SUBMIT_DECISION, submitDecisionInput, checkSubmission, type SubmittedDecision } from "./submit-decision.js";
