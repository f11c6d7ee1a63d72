// What a catalog action is. The catalog is the one truth the investigator proposes from, the executor
// implements and enforces, and the CLI and MCP describe: name, risk, targets, a parameter schema with
// examples, reversibility, default approval, and the Kubernetes API it touches.
import { z } from "zod";
import type { PolicyRule } from "./rbac.js";

export const actionRisk = z.enum(["low", "medium", "high"]);
export type ActionRisk = z.infer<typeof actionRisk>;

/** Kinds an action can target. */
export const targetKind = z.enum([
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "HorizontalPodAutoscaler",
  "Node",
  "Namespace",
  "PersistentVolumeClaim",
  "NetworkPolicy",
  "Service",
  "Ingress",
  "ExternalSecret",
  "Secret",
]);
export type TargetKind = z.infer<typeof targetKind>;
/** For actions that change nothing in the cluster and may concern anything (notify, escalate). */
export const anyTargetKind = targetKind.options as readonly TargetKind[] as readonly [TargetKind, ...TargetKind[]];

export interface ActionExamples<P extends z.ZodType> {
  /** Parameters that must validate; the first is the one docs show. */
  readonly valid: readonly [z.input<P>, ...z.input<P>[]];
  /** Parameters that must be refused, each with the field (path under `parameters`) the error must name. */
  readonly invalid: readonly [InvalidExample, ...InvalidExample[]];
}

export interface InvalidExample {
  readonly parameters: unknown;
  /** Dotted path below `parameters`, e.g. `replicas` or `limit.factor`. */
  readonly field: string;
}

export interface ActionDefinition<N extends string = string, P extends z.ZodType = z.ZodType> {
  /** snake_case registry key, stable forever. */
  readonly name: N;
  readonly title: string;
  /** What it does to the cluster, and when it refuses. */
  readonly description: string;
  readonly risk: ActionRisk;
  readonly targetKinds: readonly [TargetKind, ...TargetKind[]];
  /** A strict object schema: unknown parameters are errors, numbers are bounded. */
  readonly parameters: P;
  /** Whether the executor can undo it from its snapshot. */
  readonly reversible: boolean;
  /** Whether it waits for a human unless the policy (or earned autonomy) says otherwise. */
  readonly requiresApproval: boolean;
  /** Every API call its implementation makes, reads included. */
  readonly rbac: readonly PolicyRule[];
  readonly examples: ActionExamples<P>;
}

/** Declares a catalog entry; keeps the literal name so the registry can build a typed enum of names. */
export function defineAction<const N extends string, P extends z.ZodType>(definition: ActionDefinition<N, P>): ActionDefinition<N, P> {
  return Object.freeze(definition);
}

/** An object with no parameters: anything given is an error, so a typo is never silently ignored. */
export const noParameters = () => z.strictObject({});
