// The built-in masking patterns, in the order they apply: a value masked by an earlier pattern is not looked
// at again, so the most specific come first (a JWT before the key=value that holds it, a URL's password
// before the email-like user@host). Operator patterns and resource names come after these.
import type { MaskPattern } from "../mask-pattern.js";
import { identityPatterns } from "./identity.js";
import { secretPatterns } from "./secrets.js";

export const builtinMaskPatterns: readonly MaskPattern[] = [...secretPatterns, ...identityPatterns];
