// The effectiveness service's environment, on top of the service kit's (NATS_URL, PORT, LOG_LEVEL, DATABASE_URL...).
// Every problem is reported at start, at once. Kubernetes access is found as kubectl finds it (KUBECONFIG,
// ~/.kube/config, the pod's service account); it only reads.
import { catalogActionName, durationMs, type ActionName } from "@vigil/contracts";
import { loadPolicy, PolicyFileError } from "@vigil/remediation";
import { type AssessmentTiming } from "@vigil/assessment";
import { z } from "zod";

const duration = (fallback: string, minMs: number, maxMs: number, minText: string, maxText: string) =>
  durationMs
    .refine((ms) => ms >= minMs, `must be at least ${minText}`)
    .refine((ms) => ms <= maxMs, `must be at most ${maxText}`)
    .prefault(fallback);

/** `rollback_deployment=10m,scale_deployment=3m`: per-action stabilization windows. */
const perActionWindows = z
  .string()
  .default("")
  .transform((text, ctx) => {
    const out: Partial<Record<ActionName, number>> = {};
    for (const item of text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [name, value] = item.split("=").map((s) => s.trim());
      const action = catalogActionName.safeParse(name);
      const ms = durationMs.safeParse(value ?? "");
      if (!action.success) ctx.addIssue({ code: "custom", message: `"${name}" is not a catalog action (in "${item}")` });
      else if (!ms.success || ms.data < 1_000 || ms.data > 3_600_000)
        ctx.addIssue({ code: "custom", message: `"${item}": the window must be a duration from 1s to 1h, e.g. ${name}=10m` });
      else out[action.data] = ms.data;
    }
    return out;
  });

export const effectivenessConfigShape = {
  /** Wait between a live action and its assessment. */
  EFFECTIVENESS_STABILIZATION_WINDOW: duration("5m", 1_000, 3_600_000, "1s", "1h"),
  /** Per-action windows: `rollback_deployment=10m,scale_deployment=3m`. */
  EFFECTIVENESS_STABILIZATION_WINDOWS: perActionWindows,
  /** Past this after the action, an assessment says "insufficient data" instead of judging stale signals. */
  EFFECTIVENESS_VALIDITY_WINDOW: duration("30m", 60_000, 86_400_000, "1m", "24h"),
  /** How far back "before the action" reaches for metrics and kernel evidence. */
  EFFECTIVENESS_BEFORE_WINDOW: duration("10m", 60_000, 3_600_000, "1m", "1h"),
  /** Alertmanager (API v2) for whether the alert is still active; the alerts seen on NATS are used either way. */
  ALERTMANAGER_URL: z.url().optional(),
  /** Assessed successes in a row an (action, alertname, namespace class) needs to run without approval. */
  EFFECTIVENESS_AUTONOMY_SUCCESSES: z.coerce.number().int().min(1).max(1000).default(5),
  /** The score each of those successes needs, and their mean. */
  EFFECTIVENESS_AUTONOMY_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.8),
  /** Assessments run at once. */
  EFFECTIVENESS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** How long a waiting assessment sleeps before it reads the cluster clock again (short on a simulated virtual clock). */
  EFFECTIVENESS_DUE_RECHECK: duration("60s", 50, 600_000, "50ms", "10m"),
  /** The executor's policy: the ledger keys use its namespace classes. The shipped default when unset. */
  EXECUTOR_POLICY_FILE: z.string().min(1).optional(),
};

export type EffectivenessConfig = z.infer<z.ZodObject<typeof effectivenessConfigShape>>;

export function timingOf(config: EffectivenessConfig): AssessmentTiming {
  return {
    stabilizationMs: config.EFFECTIVENESS_STABILIZATION_WINDOW,
    perAction: config.EFFECTIVENESS_STABILIZATION_WINDOWS,
    validityMs: config.EFFECTIVENESS_VALIDITY_WINDOW,
    beforeMs: config.EFFECTIVENESS_BEFORE_WINDOW,
  };
}

/** Problems across variables, each prefixed with its variable. */
export function effectivenessConfigProblems(config: EffectivenessConfig): string[] {
  const problems: string[] = [];
  const timing = timingOf(config);
  for (const [action, ms] of Object.entries({ default: timing.stabilizationMs, ...timing.perAction })) {
    if (ms >= timing.validityMs)
      problems.push(
        `EFFECTIVENESS_VALIDITY_WINDOW: must be longer than every stabilization window (${action}: ${Math.round(ms / 1000)}s), or no assessment could ever be in time`,
      );
  }
  try {
    loadPolicy(config.EXECUTOR_POLICY_FILE ? { file: config.EXECUTOR_POLICY_FILE } : {});
  } catch (err) {
    if (!(err instanceof PolicyFileError)) throw err;
    problems.push(...err.problems.map((p) => `EXECUTOR_POLICY_FILE: ${p}`));
  }
  return problems;
}
