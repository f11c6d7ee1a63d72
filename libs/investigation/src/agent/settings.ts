// What the agent is configured with (the service builds it from LLM_* variables) and the arithmetic of its
// cost budget. Prices are per million tokens, as providers publish them; a model missing from the table
// costs 0 (the caller logs a warning once) and stays bounded by the token and time budgets.

/** USD per million tokens, by model name exactly as configured (`LLM_MODEL`). */
export interface PriceTable {
  [model: string]: { inputPerMTokUsd: number; outputPerMTokUsd: number };
}

export interface LlmSettings {
  /** `openai` (and any OpenAI-compatible server with `baseUrl`), `azure_openai`, or a LangChain provider key. */
  provider: string;
  model: string;
  baseUrl?: string;
  apiKey?: string;
  temperature: number;
  /** One model request, retries excluded. */
  requestTimeoutMs: number;
  /** Tool calls the model may request per investigation (refused duplicates count too). */
  maxToolCalls: number;
  /** Hard limits per incident: past any of them the investigation fails and the rules engine decides. */
  budget: { maxTokens: number; maxWallMs: number; maxCostUsd: number };
  prices: PriceTable;
}

export interface TokenUsage {
  prompt: number;
  completion: number;
}

/** Estimated USD for `tokens` on `model`, or undefined when the table does not know the model. */
export function estimateCostUsd(prices: PriceTable, model: string, tokens: TokenUsage): number | undefined {
  const price = prices[model];
  if (!price) return undefined;
  return (tokens.prompt * price.inputPerMTokUsd + tokens.completion * price.outputPerMTokUsd) / 1_000_000;
}

/** Rough tokens of a text when a server reports no usage: about 4 characters a token for English and JSON. */
export function approximateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
