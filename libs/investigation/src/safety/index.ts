// Prompt safety: what cluster data may look like before it reaches a model. Masking (reversible, per
// investigation), screening for instruction-like text (fails closed: a flag means escalate), and the
// delimiter that marks data as data.
export { Masker } from "./masker.js";
export {
  MaskingConfigError,
  maskingOptionsSchema,
  maskingPatternSchema,
  parseMaskingOptions,
  type MaskingOptions,
} from "./masking-options.js";
export type { MaskPattern } from "./mask-pattern.js";
export { builtinMaskPatterns } from "./patterns/index.js";
export { isSensitiveKey } from "./sensitive-keys.js";
export type { ScreeningFlag, ScreeningRule } from "./screening-rule.js";
export { screeningRules } from "./screening-rules.js";
export { screenText, screenValue } from "./screen.js";
export { describeScreening } from "./describe-screening.js";
export { asUntrustedData, escapeUntrusted, UNTRUSTED_DATA_NOTICE, UNTRUSTED_DATA_TAG } from "./untrusted-data.js";
