// The investigator's environment, on top of the service kit's (NATS_URL, PORT, LOG_LEVEL, ...). Time spans are
// Go-style durations (`500ms`, `60s`, `2m`); the kit reports every problem at once, with the variable and the value
// it got, and `investigatorConfigProblems` adds the cross-field ones (a model without a name, a rules file that does
// not validate). Kubernetes access is not configured here: @vigil/kube reads KUBECONFIG, ~/.kube/config or the
// pod's service account, as kubectl does.
import { readFileSync } from "node:fs";
import { type CalibrationPolicy, durationMs } from "@vigil/contracts";
import {
  loadRulesEngine,
  type LlmSettings,
  type MaskingOptions,
  maskingOptionsSchema,
  type PriceTable,
  RulesFileError,
} from "@vigil/investigation";
import { envBoolean } from "@vigil/service";
import { z } from "zod";
import { BUILTIN_PRICES } from "./llm-prices.js";

/** A Go-style duration within bounds, in milliseconds; `fallback` is what an unset variable means. */
const duration = (fallback: string, min: { ms: number; text: string }, max: { ms: number; text: string }) =>
  durationMs
    .refine((ms) => ms >= min.ms, `must be at least ${min.text}`)
    .refine((ms) => ms <= max.ms, `must be at most ${max.text}`)
    .prefault(fallback);

const SECOND = { ms: 1000, text: "1s" };
const HOUR = { ms: 3_600_000, text: "1h" };

/** What readJson returns when the text is neither JSON nor a readable JSON file (the issue is already added). */
const UNREADABLE = Symbol("unreadable");

const priceTable = z.record(
  z.string().min(1),
  z.object({ inputPerMTokUsd: z.number().nonnegative(), outputPerMTokUsd: z.number().nonnegative() }).strict(),
);

/** `LLM_PRICES`: JSON, or `@/path/file.json`; merged over the built-in table (the operator's entries win). */
const prices = z
  .string()
  .optional()
  .transform((text, ctx): PriceTable => {
    if (text === undefined) return { ...BUILTIN_PRICES };
    const json = readJson(text, ctx);
    if (json === UNREADABLE) return z.NEVER;
    const parsed = priceTable.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: "custom", message: `${issue.path.join(".") || "(root)"}: ${issue.message}` });
      return z.NEVER;
    }
    return { ...BUILTIN_PRICES, ...parsed.data };
  });

/** `INVESTIGATOR_MASK_PATTERNS`: a JSON list of `{name, regex}`, validated (and each regex compiled) by @vigil/investigation. */
const maskPatterns = z
  .string()
  .optional()
  .transform((text, ctx): Array<{ name: string; regex: string }> => {
    if (text === undefined) return [];
    const json = readJson(text, ctx);
    if (json === UNREADABLE) return z.NEVER;
    const parsed = maskingOptionsSchema.shape.patterns.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: "custom", message: `${issue.path.join(".") || "(root)"}: ${issue.message}` });
      return z.NEVER;
    }
    return parsed.data;
  });

/** JSON text, or the JSON file named after `@`; an issue (and UNREADABLE) when neither parses. */
function readJson(text: string, ctx: z.RefinementCtx): unknown {
  let source = text;
  if (text.startsWith("@")) {
    try {
      source = readFileSync(text.slice(1), "utf8");
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `cannot read ${text.slice(1)}: ${(err as Error).message}` });
      return UNREADABLE;
    }
  }
  try {
    return JSON.parse(source);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `not valid JSON: ${(err as Error).message}` });
    return UNREADABLE;
  }
}

export const investigatorConfigShape = {
  /** `none` (default): the rules decide everything, offline. `openai` covers every OpenAI-compatible server. */
  LLM_PROVIDER: z.string().trim().toLowerCase().min(1).default("none"),
  /** The model name the provider knows (`gpt-4o-mini`, `qwen2.5:7b`...); required unless LLM_PROVIDER is none. */
  LLM_MODEL: z.string().min(1).optional(),
  /** An OpenAI-compatible server's base URL, ending in `/v1` (Ollama, vLLM, LocalAI, LiteLLM). */
  LLM_BASE_URL: z.url().optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  /** Low by default: the same diagnosis should get the same decision. */
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0),
  /** One model request; past it the request is abandoned and the rules decide. */
  LLM_REQUEST_TIMEOUT: duration("60s", SECOND, { ms: 600_000, text: "10m" }),
  /** Tool calls per investigation; local models are known to repeat one call for minutes. */
  LLM_MAX_TOOL_CALLS: z.coerce.number().int().min(1).max(100).default(12),
  /** Hard per-incident budget: tokens (prompt + completion), wall time, estimated cost. Past any, the rules decide. */
  LLM_BUDGET_TOKENS: z.coerce.number().int().min(1000).default(150_000),
  LLM_BUDGET_TIME: duration("2m", SECOND, HOUR),
  LLM_BUDGET_COST_USD: z.coerce.number().nonnegative().default(0.5),
  LLM_PRICES: prices,
  /** An operator's YAML rules, merged with the shipped defaults; validated at start. */
  INVESTIGATOR_RULES_FILE: z.string().min(1).optional(),
  /** Diagnoses investigated at the same time. */
  INVESTIGATOR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Extra masking patterns (the built-ins cover tokens, passwords, emails, IPs). */
  INVESTIGATOR_MASK_PATTERNS: maskPatterns,
  /** Also mask resource names (pods, namespaces, nodes...) before any prompt. */
  INVESTIGATOR_MASK_NAMES: envBoolean.default(false),
  /** Calibration: the threshold until an (source, action) has CALIBRATION_MIN_SAMPLES assessed proposals. */
  CALIBRATION_DEFAULT_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  /** The observed success rate a confidence bucket must reach for proposals in it to be trusted. */
  CALIBRATION_TARGET_SUCCESS: z.coerce.number().min(0).max(1).default(0.7),
  CALIBRATION_MIN_SAMPLES: z.coerce.number().int().min(1).default(20),
  CALIBRATION_BUCKETS: z.coerce.number().int().min(2).max(100).default(10),
  /** Bearer token of the MCP endpoint (`/mcp`); unset, it is open (keep it on a trusted network). */
  MCP_TOKEN: z.string().min(1).optional(),
};

export type InvestigatorConfig = z.infer<z.ZodObject<typeof investigatorConfigShape>>;

/** Cross-field problems, reported with the kit's: a model without a name, a rules file that does not validate. */
export function investigatorConfigProblems(config: InvestigatorConfig): string[] {
  const problems: string[] = [];
  if (config.LLM_PROVIDER !== "none" && !config.LLM_MODEL)
    problems.push(`LLM_MODEL: required when LLM_PROVIDER is ${config.LLM_PROVIDER} (or set LLM_PROVIDER=none for rules only)`);
  try {
    loadRulesEngine(config.INVESTIGATOR_RULES_FILE ? { file: config.INVESTIGATOR_RULES_FILE } : {});
  } catch (err) {
    if (!(err instanceof RulesFileError)) throw err;
    problems.push(...err.problems.map((p) => `INVESTIGATOR_RULES_FILE: ${p}`));
  }
  return problems;
}

/** What the agent reads of the configuration; undefined when LLM_PROVIDER is none. */
export function llmSettingsFrom(config: InvestigatorConfig): LlmSettings | undefined {
  if (config.LLM_PROVIDER === "none" || !config.LLM_MODEL) return undefined;
  return {
    provider: config.LLM_PROVIDER,
    model: config.LLM_MODEL,
    ...(config.LLM_BASE_URL ? { baseUrl: config.LLM_BASE_URL } : {}),
    ...(config.LLM_API_KEY ? { apiKey: config.LLM_API_KEY } : {}),
    temperature: config.LLM_TEMPERATURE,
    requestTimeoutMs: config.LLM_REQUEST_TIMEOUT,
    maxToolCalls: config.LLM_MAX_TOOL_CALLS,
    budget: { maxTokens: config.LLM_BUDGET_TOKENS, maxWallMs: config.LLM_BUDGET_TIME, maxCostUsd: config.LLM_BUDGET_COST_USD },
    prices: config.LLM_PRICES,
  };
}

export function maskingFrom(config: InvestigatorConfig): MaskingOptions {
  return { patterns: config.INVESTIGATOR_MASK_PATTERNS, maskNames: config.INVESTIGATOR_MASK_NAMES };
}

export function calibrationPolicyFrom(config: InvestigatorConfig): CalibrationPolicy {
  return {
    defaultThreshold: config.CALIBRATION_DEFAULT_THRESHOLD,
    targetSuccess: config.CALIBRATION_TARGET_SUCCESS,
    minSamples: config.CALIBRATION_MIN_SAMPLES,
    buckets: config.CALIBRATION_BUCKETS,
  };
}
