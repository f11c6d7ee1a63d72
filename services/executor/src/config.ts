// The executor's environment, on top of the service kit's (NATS_URL, PORT, LOG_LEVEL, DATABASE_URL...). Files
// named here (the policy, the notification sinks, the repair Job templates) are validated at start and every
// problem is reported at once, naming the file, the entry and the field. Kubernetes access is not configured
// here: @vigil/kube finds it as kubectl does (KUBECONFIG, ~/.kube/config, the pod's service account).
import { readFileSync } from "node:fs";
import { durationMs } from "@vigil/contracts";
import {
  loadPolicy,
  loadRepairJobTemplates,
  parseSinkConfigs,
  PolicyFileError,
  RepairJobsFileError,
  type SinkConfig,
  SinkConfigError,
} from "@vigil/remediation";
import { z } from "zod";

const duration = (fallback: string, minMs: number, maxMs: number, minText: string, maxText: string) =>
  durationMs
    .refine((ms) => ms >= minMs, `must be at least ${minText}`)
    .refine((ms) => ms <= maxMs, `must be at most ${maxText}`)
    .prefault(fallback);

export const executorConfigShape = {
  /** `dry-run` (default): every change goes through the API server's dry run only. `live` applies it. */
  EXECUTOR_MODE: z.enum(["dry-run", "live"]).default("dry-run"),
  /** The safety policy (YAML); the shipped default (deploy/executor/policy.yaml) when unset. */
  EXECUTOR_POLICY_FILE: z.string().min(1).optional(),
  /** Notification sinks, JSON (or `@/path/file.json`): `[{"name":"oncall","type":"slack","url":"https://hooks.slack.com/..."}]`. */
  EXECUTOR_NOTIFY_SINKS: z.string().min(1).optional(),
  /** run_repair_job's Job templates (YAML). */
  EXECUTOR_REPAIR_JOBS_FILE: z.string().min(1).optional(),
  /** Bearer token for approve, reject, pause and resume; unset, those routes answer 403 (reads stay open). */
  EXECUTOR_API_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Proposals handled at once. */
  EXECUTOR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** The per-target lease; renewed while an action runs, so only a crashed holder's lease expires. */
  EXECUTOR_LEASE_TTL: duration("30s", 5_000, 600_000, "5s", "10m"),
  /** How long a proposal waits inside its handler for PostgreSQL before it is handed back (and redelivered). */
  EXECUTOR_DB_WAIT: duration("60s", 1_000, 600_000, "1s", "10m"),
  /** How soon a proposal a crashed replica was handling goes to another one (live handlers heartbeat, so never sooner). */
  EXECUTOR_ACK_WAIT: duration("10s", 1_000, 300_000, "1s", "5m"),
  /** The namespace Vigil runs in: protected, and never quarantined. */
  VIGIL_NAMESPACE: z.string().min(1).default("vigil"),
  /** Where humans reach this API, for the approve links in notifications. */
  EXECUTOR_PUBLIC_URL: z.url().optional(),
};

export type ExecutorConfig = z.infer<z.ZodObject<typeof executorConfigShape>>;

/** Problems of the files the configuration names, each prefixed with its variable. */
export function executorConfigProblems(config: ExecutorConfig): string[] {
  const problems: string[] = [];
  try {
    loadPolicy(config.EXECUTOR_POLICY_FILE ? { file: config.EXECUTOR_POLICY_FILE } : {});
  } catch (err) {
    if (!(err instanceof PolicyFileError)) throw err;
    problems.push(...err.problems.map((p) => `EXECUTOR_POLICY_FILE: ${p}`));
  }
  try {
    notificationSinksFrom(config);
  } catch (err) {
    if (!(err instanceof SinkConfigError)) throw err;
    problems.push(...err.problems.map((p) => `EXECUTOR_NOTIFY_SINKS: ${p}`));
  }
  if (config.EXECUTOR_REPAIR_JOBS_FILE) {
    try {
      loadRepairJobTemplates(config.EXECUTOR_REPAIR_JOBS_FILE);
    } catch (err) {
      if (!(err instanceof RepairJobsFileError)) throw err;
      problems.push(...err.problems.map((p) => `EXECUTOR_REPAIR_JOBS_FILE: ${p}`));
    }
  }
  return problems;
}

/** EXECUTOR_NOTIFY_SINKS: JSON, or `@/path/file.json`; no sinks when unset. Throws SinkConfigError naming every problem. */
export function notificationSinksFrom(config: ExecutorConfig): SinkConfig[] {
  const value = config.EXECUTOR_NOTIFY_SINKS;
  if (!value?.startsWith("@")) return parseSinkConfigs(value);
  let text: string;
  try {
    text = readFileSync(value.slice(1), "utf8");
  } catch (err) {
    throw new SinkConfigError([`cannot read ${value.slice(1)}: ${(err as Error).message}`]);
  }
  return parseSinkConfigs(text);
}
