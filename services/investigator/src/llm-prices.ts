// Prices of common hosted models, USD per million tokens (the providers' list prices when this table was written):
// what an incident's estimated cost is computed from unless LLM_PRICES says otherwise. A model missing here (a local
// one served by Ollama or vLLM) costs nothing; set LLM_PRICES for a hosted model that is not listed.
import type { PriceTable } from "@vigil/investigation";

export const BUILTIN_PRICES: Readonly<PriceTable> = Object.freeze({
  "gpt-4o": { inputPerMTokUsd: 2.5, outputPerMTokUsd: 10 },
  "gpt-4o-mini": { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 },
  "gpt-4.1": { inputPerMTokUsd: 2, outputPerMTokUsd: 8 },
  "gpt-4.1-mini": { inputPerMTokUsd: 0.4, outputPerMTokUsd: 1.6 },
  "gpt-4.1-nano": { inputPerMTokUsd: 0.1, outputPerMTokUsd: 0.4 },
  "claude-3-5-sonnet-latest": { inputPerMTokUsd: 3, outputPerMTokUsd: 15 },
  "claude-3-5-haiku-latest": { inputPerMTokUsd: 0.8, outputPerMTokUsd: 4 },
  "gemini-1.5-flash": { inputPerMTokUsd: 0.075, outputPerMTokUsd: 0.3 },
});
