import { readFileSync } from "node:fs";
import { type Matcher, parseMatcherList, parseMatchers } from "@vigil/alertmanager";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

function matchersFrom(source: string, parse: () => Matcher[], ctx: z.RefinementCtx): Matcher[] {
  try {
    return parse();
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `${source}: ${(err as Error).message}` });
    return z.NEVER;
  }
}

/** A filter file is YAML or JSON: `matchers: ['severity=~"critical|warning"', 'namespace!="kube-system"']`. */
function readFilterFile(path: string): Matcher[] {
  const doc = parseYaml(readFileSync(path, "utf8")) as unknown;
  const list = Array.isArray(doc) ? doc : (doc as { matchers?: unknown } | null)?.matchers;
  if (!Array.isArray(list) || !list.every((m) => typeof m === "string")) {
    throw new Error("expected a list of matcher strings under `matchers:`");
  }
  return parseMatcherList(list);
}

export const webhookConfigShape = {
  /** Accept `Authorization: Bearer <token>` (Alertmanager http_config.authorization.credentials). */
  WEBHOOK_BEARER_TOKEN: z.string().min(1).optional(),
  /** Accept basic auth (Alertmanager http_config.basic_auth). Both must be set. */
  WEBHOOK_BASIC_USER: z.string().min(1).optional(),
  WEBHOOK_BASIC_PASSWORD: z.string().min(1).optional(),
  WEBHOOK_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Alertmanager matchers every alert must satisfy to be published, e.g. `{severity=~"critical|warning",namespace!="kube-system"}`. */
  WEBHOOK_FILTER: z
    .string()
    .transform((s, ctx) => matchersFrom("WEBHOOK_FILTER", () => parseMatchers(s), ctx))
    .optional(),
  WEBHOOK_FILTER_FILE: z
    .string()
    .transform((p, ctx) => matchersFrom(`WEBHOOK_FILTER_FILE ${p}`, () => readFilterFile(p), ctx))
    .optional(),
};

export type WebhookConfig = z.infer<z.ZodObject<typeof webhookConfigShape>>;

/** Cross-field rules zod shapes cannot express per variable. */
export function checkWebhookConfig(c: WebhookConfig): string[] {
  return Boolean(c.WEBHOOK_BASIC_USER) !== Boolean(c.WEBHOOK_BASIC_PASSWORD)
    ? ["WEBHOOK_BASIC_USER / WEBHOOK_BASIC_PASSWORD: set both for basic auth, or neither"]
    : [];
}
