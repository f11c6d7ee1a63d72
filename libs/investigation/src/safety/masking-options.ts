// The operator's side of masking: extra patterns (an internal customer id, a ticket number...) and whether
// resource names are masked too. Validated with zod at construction, so a bad regex is a configuration error
// that names the pattern, never a crash at the first prompt.
import { InvalidInputError, registerErrorClass } from "@vigil/errors";
import { z } from "zod";
import type { MaskPattern } from "./mask-pattern.js";
import { categoryOf } from "./placeholders.js";

/** Whether `source` compiles as a JavaScript regex, and matches something: an empty match would mask nothing forever. */
function regexProblem(source: string): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(source, "g");
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
  if (regex.test("")) return "matches the empty string; it would mask nothing but loop everywhere";
  return undefined;
}

const PATTERN_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * One operator pattern: `{ "name": "customer-id", "regex": "CUST-[0-9]{6}" }`. A named group `value` masks only
 * that part. Every issue's message starts with `pattern "<name>":`, so whoever embeds this schema (the service's
 * config) reports which pattern is wrong, not only its index.
 */
export const maskingPatternSchema = z.object({ name: z.string(), regex: z.string().max(1000) }).superRefine((p, ctx) => {
  const named = `pattern ${JSON.stringify(p.name)}`;
  if (!PATTERN_NAME.test(p.name)) {
    ctx.addIssue({
      code: "custom",
      path: ["name"],
      message: `${named}: a name is lowercase letters, digits and dashes (at most 40), starting with a letter`,
    });
  }
  const problem = regexProblem(p.regex);
  if (problem) ctx.addIssue({ code: "custom", path: ["regex"], message: `${named}: ${problem}` });
});

export const maskingOptionsSchema = z.object({
  patterns: z
    .array(maskingPatternSchema)
    .default([])
    .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, "pattern names must be unique"),
  maskNames: z.boolean().default(false),
});

export interface MaskingOptions {
  patterns?: ReadonlyArray<{ name: string; regex: string }>;
  /** Mask the resource names given to Masker.addNames (whole words); off by default. */
  maskNames?: boolean;
}

/** Masking configuration that does not validate; `problems` name each pattern and field. */
export class MaskingConfigError extends InvalidInputError {
  constructor(readonly problems: string[]) {
    super(`invalid masking configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`, { details: { problems } });
  }
}
registerErrorClass(MaskingConfigError, "MaskingConfigError");

/** Validates the options and compiles the operator patterns (category from the name: customer-id → «CUSTOMER_ID_n»). */
export function parseMaskingOptions(opts: MaskingOptions = {}): { patterns: MaskPattern[]; maskNames: boolean } {
  const parsed = maskingOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    throw new MaskingConfigError(
      parsed.error.issues.map((i) =>
        i.message.startsWith("pattern ") ? i.message : `${i.path.map(String).join(".") || "masking"}: ${i.message}`,
      ),
    );
  }
  const patterns = parsed.data.patterns.map((p) =>
    Object.freeze({ name: p.name, why: "operator pattern", category: categoryOf(p.name), regex: new RegExp(p.regex, "g") }),
  );
  return { patterns, maskNames: parsed.data.maskNames };
}
