// The executor's policy file (EXECUTOR_POLICY_FILE, YAML): which actions may run where, how far they may go,
// how often, and when a human must approve. One zod schema with a default for every field, so an empty file
// (or none) is the shipped default policy (deploy/executor/policy.yaml has the same content, commented).
// A bad file stops the executor at start with every problem at once, each naming its field.
import { readFileSync } from "node:fs";
import {
  actionRisk,
  type ActionName,
  formatPath,
  parseDurationMs,
  isActionName,
  quantityProblem,
  targetKind,
  type ActionRisk,
} from "@vigil/contracts";
import { parseDocument } from "yaml";
import { z } from "zod";
import { globMatches } from "./glob.js";

/** A catalog action name, or `*` where a list means "every action". */
const actionPattern = z.string().superRefine((s, ctx) => {
  if (s !== "*" && !isActionName(s)) ctx.addIssue({ code: "custom", message: `unknown action ${JSON.stringify(s)}` });
});
const actionName = z.string().superRefine((s, ctx) => {
  if (!isActionName(s)) ctx.addIssue({ code: "custom", message: `unknown action ${JSON.stringify(s)}` });
}) as unknown as z.ZodType<ActionName, string>;

const glob = z.string().min(1, "must not be empty");
/** A quantity as text (`4Gi`, `1500m`); YAML reads a bare `8` as a number, which is a quantity too. */
const quantity = (kind: "memory" | "cpu", example: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const s = String(v);
    if (quantityProblem(s, kind)) ctx.addIssue({ code: "custom", message: `must be a ${kind} quantity such as ${example}` });
    return s;
  });
/** A Go duration (`10m`, `1h30m`) as people type it, or milliseconds; milliseconds after parsing. */
const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === "number" ? v : parseDurationMs(v);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({ code: "custom", message: `must be a duration such as 30s, 10m or 1h30m (got ${JSON.stringify(v)})` });
    return 0;
  }
  return ms;
});
const positiveInt = z.int().positive();
const fraction = z.number().min(0).max(1);

const rule = z.strictObject({
  /** Named in the decision's reasons: `allowed by rule "low-risk-remediations"`. */
  id: z.string().min(1),
  effect: z.enum(["allow", "deny"]),
  actions: z.array(actionPattern).min(1),
  namespaces: z.array(glob).min(1).default(["*"]),
  kinds: z.array(targetKind).min(1).optional(),
});

const exception = z.strictObject({
  action: actionName,
  namespaces: z.array(glob).min(1),
});

const namespaceClass = z.strictObject({ class: z.string().min(1), namespaces: z.array(glob).min(1) });

/** Actions whose approval earned autonomy never lifts. */
export const ALWAYS_APPROVED: readonly ActionName[] = [
  "restart_network",
  "drain_node",
  "quarantine_pod",
  "update_network_policy",
  "run_repair_job",
];

/**
 * GitOps field managers as they record themselves in managedFields: Argo CD (server-side apply:
 * argocd-controller; client-side apply: argocd-application-controller), Flux (kustomize-controller,
 * helm-controller; older toolkits gotk-*), Helm 3 (helm).
 */
export const DEFAULT_GITOPS_MANAGERS: readonly string[] = [
  "argocd-controller",
  "argocd-application-controller",
  "kustomize-controller",
  "helm-controller",
  "helm",
  "flux*",
  "gotk-*",
];

export const DEFAULT_RULES: z.input<typeof rule>[] = [
  {
    id: "read-only",
    effect: "allow",
    actions: ["notify_only", "escalate", "collect_diagnostics"],
  },
  {
    id: "low-risk-remediations",
    effect: "allow",
    actions: [
      "restart_pod",
      "rollout_restart",
      "pause_rollout",
      "resume_rollout",
      "suspend_cronjob",
      "cleanup_failed_pods",
      "delete_completed_jobs",
      "uncordon_node",
      "backup_volume",
    ],
  },
  {
    id: "medium-risk-remediations",
    effect: "allow",
    actions: [
      "scale_deployment",
      "scale_statefulset",
      "increase_resources",
      "update_hpa",
      "rollback_deployment",
      "cordon_node",
      "migrate_workload",
      "restart_daemonset",
      "expand_pvc",
      "enable_debug_mode",
      "rotate_secrets",
    ],
  },
  {
    id: "high-risk-behind-approval",
    effect: "allow",
    actions: ["drain_node", "quarantine_pod", "update_network_policy", "run_repair_job", "restart_network"],
  },
];

export const executorPolicySchema = z.strictObject({
  /** Per-action mode over EXECUTOR_MODE: notify_only and escalate do not touch the cluster, so they run live. */
  mode: z.partialRecord(actionName, z.enum(["live", "dry-run"])).default({ notify_only: "live", escalate: "live" }),
  rules: z.array(rule).prefault(DEFAULT_RULES),
  protectedNamespaces: z.array(glob).default(["kube-system", "kube-public", "kube-node-lease", "vigil"]),
  exceptions: z.array(exception).default([{ action: "restart_network", namespaces: ["kube-system"] }]),
  confidence: z.strictObject({ low: fraction.default(0.6), medium: fraction.default(0.75), high: fraction.default(0.9) }).prefault({}),
  bounds: z
    .strictObject({
      maxReplicas: positiveInt.default(50),
      maxMemoryLimit: quantity("memory", "4Gi").default("16Gi"),
      maxCpuLimit: quantity("cpu", "4 or 1500m").default("8"),
      maxReplicaStep: positiveInt.default(10),
      maxResourceFactor: z.number().gt(1, "must be > 1").default(2),
      maxEvictionsPerAction: positiveInt.default(20),
    })
    .prefault({}),
  cooldowns: z
    .strictObject({ default: duration.default(600_000), actions: z.partialRecord(actionName, duration).default({}) })
    .prefault({}),
  oscillation: z
    .strictObject({
      window: duration.default(7_200_000),
      maxRepeats: positiveInt.default(3),
      lowScore: fraction.default(0.5),
      /** Direction reversals (up→down, down→up) among one workload's scalings in the window, this one included, that make it flapping. */
      flappingReversals: positiveInt.default(1),
    })
    .prefault({}),
  limits: z
    .strictObject({
      maxLivePerHour: positiveInt.default(20),
      maxPerIncident: positiveInt.default(3),
      maxConcurrent: positiveInt.default(3),
      maxCordonedNodes: positiveInt.default(1),
    })
    .prefault({}),
  approval: z
    .strictObject({
      requiredFor: z
        .strictObject({
          actions: z.array(actionName).default([]),
          /** `none`: risk alone never requires approval (the catalog's requiresApproval still does). */
          riskAtLeast: z.enum([...actionRisk.options, "none"]).default("high"),
          namespaces: z.array(glob).default([]),
          namespaceClasses: z.array(z.string().min(1)).default([]),
        })
        .prefault({}),
      expiry: duration.default(1_800_000),
      twoPersonForHighRisk: z.boolean().default(false),
      autonomy: z
        .strictObject({ earned: z.boolean().default(true), alwaysRequireApproval: z.array(actionName).default([...ALWAYS_APPROVED]) })
        .prefault({}),
    })
    .prefault({}),
  namespaceClasses: z.array(namespaceClass).default([
    { class: "prod", namespaces: ["prod", "prod-*", "production", "*-prod"] },
    { class: "staging", namespaces: ["staging", "staging-*", "*-staging"] },
  ]),
  conflictingWriters: z
    .strictObject({
      /** Field managers of GitOps tools, as they record themselves in managedFields (globs). */
      managers: z.array(glob).default([...DEFAULT_GITOPS_MANAGERS]),
      onConflict: z.enum(["deny", "escalate"]).default("deny"),
      /** A replica count the HPA controller writes through the scale subresource is the HPA's. */
      hpa: z.boolean().default(true),
    })
    .prefault({}),
});

export type ExecutorPolicy = z.output<typeof executorPolicySchema>;
export type ExecutionMode = "live" | "dry-run";

/** The policy file did not validate: every problem, each as `field: what is wrong`. */
export class PolicyFileError extends Error {
  override readonly name = "PolicyFileError";
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid executor policy ${source}:\n  ${problems.join("\n  ")}`);
  }
}

/** Validates a policy document; throws PolicyFileError naming every bad field. */
export function parsePolicy(text: string, source = "(inline)"): ExecutorPolicy {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new PolicyFileError(
      source,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]}`),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const result = executorPolicySchema.safeParse(raw);
  // Checked on the raw document, so a duplicate is reported even when other fields of the rules are wrong.
  const duplicates = duplicateRuleIds(raw);
  if (!result.success || duplicates.length > 0) {
    const issues = result.success ? [] : result.error.issues;
    const problems = issues.flatMap((iss) =>
      iss.code === "unrecognized_keys"
        ? iss.keys.map((k) => `${formatPath([...iss.path, k]) || k}: unknown field`)
        : iss.code === "invalid_key"
          ? [`${formatPath(iss.path)}: ${iss.issues.map((i) => i.message).join("; ")}`]
          : [`${formatPath(iss.path) || "(top level)"}: ${iss.message}`],
    );
    throw new PolicyFileError(source, [...problems, ...duplicates]);
  }
  return result.data;
}

/** Rule ids name rules in decisions, so each must be unique. */
function duplicateRuleIds(raw: unknown): string[] {
  const rules = (raw as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  rules.forEach((r: unknown, i) => {
    const id = (r as { id?: unknown } | null)?.id;
    if (typeof id !== "string") return;
    if (seen.has(id)) out.push(`rules[${i}].id: duplicate rule id "${id}"`);
    seen.add(id);
  });
  return out;
}

/** The policy in `file`, or the built-in defaults (the same content as deploy/executor/policy.yaml) without one. */
export function loadPolicy(opts: { file?: string | undefined } = {}): ExecutorPolicy {
  if (!opts.file) return executorPolicySchema.parse({});
  let text: string;
  try {
    text = readFileSync(opts.file, "utf8");
  } catch (err) {
    throw new PolicyFileError(opts.file, [`cannot read the file: ${(err as Error).message}`]);
  }
  return parsePolicy(text, opts.file);
}

/** The mode `action` runs in: the policy's per-action override, else EXECUTOR_MODE. */
export function modeFor(policy: ExecutorPolicy, action: ActionName, globalMode: ExecutionMode): ExecutionMode {
  return policy.mode[action] ?? globalMode;
}

/** Whether some allow rule enables `action` somewhere and no deny rule removes it everywhere (the catalog endpoint). */
export function actionEnabled(policy: ExecutorPolicy, action: ActionName): boolean {
  const covers = (r: ExecutorPolicy["rules"][number]) => r.actions.includes("*") || r.actions.includes(action);
  const deniedEverywhere = policy.rules.some((r) => r.effect === "deny" && covers(r) && r.namespaces.includes("*") && !r.kinds);
  return !deniedEverywhere && policy.rules.some((r) => r.effect === "allow" && covers(r));
}

/** The namespace's class (`prod`, `staging`...): the first class whose globs match, else `default`. */
export function namespaceClassOf(policy: ExecutorPolicy, namespace: string | undefined): string {
  if (namespace === undefined) return "default";
  return policy.namespaceClasses.find((c) => globMatches(c.namespaces, namespace))?.class ?? "default";
}

/** How long an action on one target must wait before it runs again (ms): what the executor writes after a live run. */
export function cooldownFor(policy: ExecutorPolicy, action: ActionName): number {
  return policy.cooldowns.actions[action] ?? policy.cooldowns.default;
}

/** How long an approval request waits for its humans before it expires (ms). */
export function approvalExpiryFor(policy: ExecutorPolicy): number {
  return policy.approval.expiry;
}

const RISK_ORDER: Record<ActionRisk, number> = { low: 0, medium: 1, high: 2 };

/** Whether `risk` is at least `threshold`. */
export const riskAtLeast = (risk: ActionRisk, threshold: ActionRisk): boolean => RISK_ORDER[risk] >= RISK_ORDER[threshold];
