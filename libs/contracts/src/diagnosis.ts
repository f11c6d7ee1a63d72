import { z } from "zod";
import { confidence, messageBase, messageId, resourceRef, timestamp } from "./message.js";

export const diagnosisCategory = z.enum([
  "oom_killed",
  "crash_loop",
  "image_pull",
  "config_error",
  "unschedulable",
  "probe_failure",
  "node_not_ready",
  "node_pressure",
  "storage_pressure",
  "resource_saturation",
  "memory_leak",
  "network",
  "healthy",
  "unknown",
]);
export type DiagnosisCategory = z.infer<typeof diagnosisCategory>;

export const findingSeverity = z.enum(["info", "warning", "critical"]);

/** One piece of evidence behind a finding: an event, a metric, a log line, a kernel event, a spec field. */
export const evidence = z.object({
  kind: z.enum(["event", "metric", "log", "kernel_event", "spec", "status", "alert"]),
  source: z.string(),
  summary: z.string(),
  observedAt: timestamp.optional(),
  data: z.unknown().optional(),
});
export type Evidence = z.infer<typeof evidence>;

export const finding = z.object({
  /** Registry name of the analyzer that produced it. */
  analyzer: z.string().min(1),
  title: z.string(),
  detail: z.string(),
  severity: findingSeverity,
  evidence: z.array(evidence).default([]),
});
export type Finding = z.infer<typeof finding>;

/** `vigil.analysis.completed`: what the analyzer concluded about an alert from cluster state. */
export const diagnosisMessage = messageBase.extend({
  alertId: messageId,
  alertname: z.string(),
  fingerprint: z.string(),
  target: resourceRef.optional(),
  category: diagnosisCategory,
  summary: z.string(),
  rootCause: z.string(),
  confidence,
  severity: findingSeverity,
  findings: z.array(finding),
  relatedResources: z.array(resourceRef).default([]),
  analyzedAt: timestamp,
  durationMs: z.number().nonnegative(),
});
export type DiagnosisMessage = z.infer<typeof diagnosisMessage>;
