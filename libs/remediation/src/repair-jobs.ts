// run_repair_job's templates: Jobs an operator configured for the executor (database failover, consistency
// repair...), by name. The executor only ever creates Jobs from these; a proposal names a template and may
// set a few environment values, never the image or the command.
//
// The file (EXECUTOR_REPAIR_JOBS_FILE) is validated at start and every problem is reported at once, naming the
// entry and the field, so a broken template is found when the executor starts, not when a failover is needed.
import { readFileSync } from "node:fs";
import type { V1JobSpec, V1ObjectMeta } from "@kubernetes/client-node";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export interface RepairJobTemplate {
  name: string;
  /** Where the Job is created; the target's namespace when absent. */
  namespace?: string;
  metadata?: Pick<V1ObjectMeta, "labels" | "annotations">;
  spec: V1JobSpec;
  /** Environment variable names a proposal may set (in every container); others are refused. */
  allowedEnv: readonly string[];
}

export type RepairJobTemplates = ReadonlyMap<string, RepairJobTemplate>;

/** Job names are `<template>-<8 hex>` and become a pod label value (`job-name`), at most 63 characters. */
export const REPAIR_TEMPLATE_NAME_MAX = 54;

const required = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? "is required" : `must be ${what}`) });
const dnsLabel = z
  .string(required("a name"))
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-'")
  .max(63, "must be at most 63 characters");
const stringMap = z.record(z.string(), z.string(), required("a map of strings to strings"));

const containerSchema = z.looseObject({ name: dnsLabel, image: z.string(required("an image reference")).min(1, "must not be empty") });

const jobSpecSchema = z.looseObject(
  {
    template: z.looseObject(
      {
        metadata: z.looseObject({ labels: stringMap.optional(), annotations: stringMap.optional() }).optional(),
        spec: z.looseObject(
          {
            containers: z.array(containerSchema, required("a list of containers")).min(1, "must have at least one container"),
            // A Job's pods must not restart in place forever: the API server refuses anything else.
            restartPolicy: z.enum(["Never", "OnFailure"], required("Never or OnFailure")),
          },
          required("an object"),
        ),
      },
      required("an object"),
    ),
  },
  required("an object"),
);

const templateSchema = z.strictObject({
  name: dnsLabel.max(
    REPAIR_TEMPLATE_NAME_MAX,
    `must be at most ${REPAIR_TEMPLATE_NAME_MAX} characters (the Job is named <name>-<8 hex digits>)`,
  ),
  namespace: dnsLabel.optional(),
  allowedEnv: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"), required("a list of variable names"))
    .default([]),
  job: z.strictObject(
    {
      metadata: z.strictObject({ labels: stringMap.optional(), annotations: stringMap.optional() }, required("an object")).optional(),
      spec: jobSpecSchema,
    },
    required("an object"),
  ),
});

export class RepairJobsFileError extends Error {
  override readonly name = "RepairJobsFileError";
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`repair job templates ${path} are invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");

/** Validates parsed templates (a YAML list); the problems, each naming its entry and field, when invalid. */
export function parseRepairJobTemplates(input: unknown, source = "repair job templates"): RepairJobTemplates {
  if (input === null || input === undefined) return new Map();
  if (!Array.isArray(input)) throw new RepairJobsFileError(source, ["must be a YAML list of templates: [{name, job: {spec}}]"]);
  const problems: string[] = [];
  const templates = new Map<string, RepairJobTemplate>();
  input.forEach((entry: unknown, i) => {
    const name = typeof entry === "object" && entry !== null ? (entry as { name?: unknown }).name : undefined;
    const label = typeof name === "string" && name ? `repair job "${name}"` : `repair job [${i}]`;
    const parsed = templateSchema.safeParse(entry);
    if (!parsed.success) {
      for (const iss of parsed.error.issues) {
        if (iss.code === "unrecognized_keys")
          for (const key of iss.keys) problems.push(`${label}: ${pathText([...iss.path, key])}: is not a template field`);
        else problems.push(`${label}: ${iss.path.length ? `${pathText(iss.path)}: ` : ""}${iss.message}`);
      }
      return;
    }
    const t = parsed.data;
    if (templates.has(t.name)) {
      problems.push(`${label}: name: defined twice (names must be unique)`);
      return;
    }
    templates.set(t.name, {
      name: t.name,
      ...(t.namespace ? { namespace: t.namespace } : {}),
      ...(t.job.metadata ? { metadata: t.job.metadata } : {}),
      // The spec is kept as written (wire JSON); the server-side dry run checks the rest before any live run.
      spec: t.job.spec,
      allowedEnv: [...new Set(t.allowedEnv)],
    });
  });
  if (problems.length) throw new RepairJobsFileError(source, problems);
  return templates;
}

/** Reads and validates EXECUTOR_REPAIR_JOBS_FILE. */
export function loadRepairJobTemplates(path: string): RepairJobTemplates {
  let text: string;
  try {
    // Synchronous: read once at start, with the rest of the configuration, so every problem is reported together.
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new RepairJobsFileError(path, [`cannot be read: ${(err as Error).message}`]);
  }
  let input: unknown;
  try {
    input = parseYaml(text);
  } catch (err) {
    throw new RepairJobsFileError(path, [`is not YAML: ${(err as Error).message}`]);
  }
  return parseRepairJobTemplates(input, path);
}
