// The chat model for LLM_PROVIDER: a registry of the providers built in (OpenAI and every OpenAI-compatible
// server through a base URL, Azure OpenAI), and LangChain's initChatModel for the others, whose package is
// loaded only when configured (it is not a dependency: the error names the package to install).
//
// Every model gets a low temperature, a per-request timeout and at most MODEL_MAX_RETRIES retries:
// LangChain's default of 6 retries with exponential backoff stalls for minutes on a dead endpoint, and the
// rules engine is a better answer than a late one.
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AzureChatOpenAI, ChatOpenAI } from "@langchain/openai";
import { InvalidInputError } from "@vigil/errors";
import { initChatModel, MODEL_PROVIDER_CONFIG } from "langchain/chat_models/universal";
import type { LlmSettings } from "./settings.js";

/** One retry absorbs a blip (a dropped connection, one 500); more only delays the fallback to rules. */
export const MODEL_MAX_RETRIES = 1;

type ProviderFactory = (settings: LlmSettings) => BaseChatModel | Promise<BaseChatModel>;

const common = (s: LlmSettings) => ({ temperature: s.temperature, maxRetries: MODEL_MAX_RETRIES, timeout: s.requestTimeoutMs });

const builtinProviders: Record<string, ProviderFactory> = {
  // With a base URL this is any OpenAI-compatible server (Ollama, vLLM, LocalAI, LiteLLM). They ignore the key
  // but the SDK insists on one, so a placeholder stands in when none is configured.
  openai: (s) =>
    new ChatOpenAI({
      ...common(s),
      model: s.model,
      apiKey: s.apiKey ?? (s.baseUrl ? "unused" : undefined),
      ...(s.baseUrl ? { configuration: { baseURL: s.baseUrl } } : {}),
    }),
  // LLM_MODEL is the deployment name, LLM_BASE_URL the resource endpoint (https://<name>.openai.azure.com/);
  // the API version comes from AZURE_OPENAI_API_VERSION, as the SDK reads it.
  azure_openai: (s) =>
    new AzureChatOpenAI({
      ...common(s),
      model: s.model,
      azureOpenAIApiDeploymentName: s.model,
      ...(s.apiKey ? { azureOpenAIApiKey: s.apiKey } : {}),
      ...(s.baseUrl ? { azureOpenAIEndpoint: s.baseUrl } : {}),
    }),
};

/** Where other providers take a base URL (their constructors disagree on the field's name). */
const baseUrlField: Record<string, string> = { ollama: "baseUrl", anthropic: "anthropicApiUrl", "google-genai": "baseUrl" };

/** Providers LangChain can load when their package is installed, with that package. */
const otherProviders = MODEL_PROVIDER_CONFIG as Record<string, { package: string }>;

async function fromLangChain(s: LlmSettings): Promise<BaseChatModel> {
  const pkg = otherProviders[s.provider]?.package;
  if (!pkg) {
    const known = [...Object.keys(builtinProviders), ...Object.keys(otherProviders).filter((p) => !(p in builtinProviders))];
    throw new InvalidInputError(
      `LLM_PROVIDER "${s.provider}" is not a LangChain chat model provider; use one of: none, ${known.join(", ")}`,
    );
  }
  try {
    return await initChatModel(s.model, {
      ...common(s),
      modelProvider: s.provider,
      ...(s.apiKey ? { apiKey: s.apiKey } : {}),
      ...(s.baseUrl ? { [baseUrlField[s.provider] ?? "baseUrl"]: s.baseUrl } : {}),
    });
  } catch (err) {
    if (err instanceof Error && /Unable to import|Cannot find (package|module)/.test(err.message)) {
      throw new InvalidInputError(`LLM_PROVIDER "${s.provider}" needs the npm package ${pkg}: install it with \`npm install ${pkg}\``, {
        cause: err,
      });
    }
    throw err;
  }
}

/** The configured chat model. Throws InvalidInputError for an unknown provider or one whose package is missing. */
export async function createChatModel(settings: LlmSettings): Promise<BaseChatModel> {
  const factory = builtinProviders[settings.provider] ?? fromLangChain;
  try {
    return await factory(settings);
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    // The SDKs' own messages (a missing API key...) are clear; say which setting they are about.
    throw new InvalidInputError(`LLM_PROVIDER "${settings.provider}" (model ${settings.model}): ${(err as Error).message}`, { cause: err });
  }
}
