import assert from "node:assert/strict";
import type { z } from "zod";

/** The dotted paths of every issue of a parse that must fail (the test fails if it parsed). */
export function issuePaths(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  assert.equal(result.success, false, `expected ${JSON.stringify(input).slice(0, 120)}… to be rejected`);
  return result.error.issues.map((i) => i.path.join("."));
}
