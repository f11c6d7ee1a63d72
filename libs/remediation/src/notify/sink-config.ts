// The notification sinks the executor delivers to (EXECUTOR_NOTIFY_SINKS, a JSON list), validated at start:
// every problem is reported at once, naming the entry (`sink "ops-slack": url: must be an http(s) URL`), so an
// operator fixes the variable in one go instead of one restart per mistake.
import { z } from "zod";

const sinkName = z
  .string({ error: (iss) => (iss.input === undefined ? "is required" : "must be a name") })
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-', at most 63 characters");

const httpUrl = z.string({ error: (iss) => (iss.input === undefined ? "is required" : "must be an http(s) URL") }).refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}, "must be an http(s) URL");

export const sinkConfigSchema = z.strictObject({
  name: sinkName,
  type: z.enum(["webhook", "slack"], { error: (iss) => (iss.input === undefined ? "is required" : "must be webhook or slack") }),
  url: httpUrl,
  /** Sent as `Authorization: Bearer <token>` (generic webhooks behind an authenticating proxy). */
  bearerToken: z.string().min(1, "must not be empty").optional(),
  /** Extra request headers (an API key header, a routing key). */
  headers: z.record(z.string(), z.string(), { error: "must be a map of header names to values" }).optional(),
  /** Deadline of one attempt, until the whole answer is read. */
  timeoutMs: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(100, "must be ≥ 100")
    .max(120_000, "must be ≤ 120000")
    .default(5_000),
  /** Attempts in all (1 = no retry). */
  maxAttempts: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be ≥ 1")
    .max(10, "must be ≤ 10")
    .default(4),
});

export type SinkConfig = z.output<typeof sinkConfigSchema>;
export type SinkConfigInput = z.input<typeof sinkConfigSchema>;

export class SinkConfigError extends Error {
  override readonly name = "SinkConfigError";
  constructor(readonly problems: string[]) {
    super(`EXECUTOR_NOTIFY_SINKS is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");

/** Validates already-parsed sink configurations; throws SinkConfigError listing every problem. */
export function validateSinkConfigs(input: unknown): SinkConfig[] {
  if (!Array.isArray(input)) throw new SinkConfigError(["must be a JSON list of sinks: [{name, type, url}]"]);
  const problems: string[] = [];
  const configs: SinkConfig[] = [];
  const seen = new Map<string, number>();
  input.forEach((entry: unknown, i) => {
    const rawName =
      typeof entry === "object" && entry !== null && typeof (entry as { name?: unknown }).name === "string"
        ? (entry as { name: string }).name
        : undefined;
    const label = rawName ? `sink "${rawName}"` : `sink [${i}]`;
    // Duplicates are checked on the names as written, so one is reported even when the other entry is invalid too.
    const first = rawName === undefined ? undefined : seen.get(rawName);
    if (first !== undefined) problems.push(`${label}: name: already used by sink [${first}] (names must be unique)`);
    else if (rawName !== undefined) seen.set(rawName, i);
    const parsed = sinkConfigSchema.safeParse(entry);
    if (!parsed.success) {
      for (const iss of parsed.error.issues) {
        if (iss.code === "unrecognized_keys") for (const key of iss.keys) problems.push(`${label}: ${key}: is not a sink setting`);
        else problems.push(iss.path.length ? `${label}: ${pathText(iss.path)}: ${iss.message}` : `${label}: ${iss.message}`);
      }
      return;
    }
    configs.push(parsed.data);
  });
  if (problems.length) throw new SinkConfigError(problems);
  return configs;
}

/** Parses EXECUTOR_NOTIFY_SINKS; absent or blank means no sinks (notify_only and escalate then refuse). */
export function parseSinkConfigs(json: string | undefined): SinkConfig[] {
  if (json === undefined || json.trim() === "") return [];
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (err) {
    throw new SinkConfigError([`is not JSON: ${(err as Error).message}`]);
  }
  return validateSinkConfigs(input);
}
