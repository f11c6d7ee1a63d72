// What a diagnosis rests on. Every evidence item has an id, unique within its diagnosis, so hypotheses
// (in the diagnosis and in the proposal built on it) can say exactly which facts support them.
import { z } from "zod";
import { kernelEventTypeName } from "./kernel-event.js";
import { confidence, messageId, resourceRef, timestamp } from "./message.js";

export const evidenceId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "evidence ids are 1-64 characters of A-Z a-z 0-9 _ . : -");

const common = {
  id: evidenceId,
  /** One line a human reads first. */
  summary: z.string().min(1),
  observedAt: timestamp.optional(),
};

export const evidence = z.discriminatedUnion("kind", [
  /** A Kubernetes object as it was when analyzed, with the fields that matter. */
  z.object({
    kind: z.literal("object"),
    ...common,
    ref: resourceRef,
    resourceVersion: z.string().optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
  }),
  /** A Kubernetes Event about `ref` (its involved object). */
  z.object({
    kind: z.literal("event"),
    ...common,
    ref: resourceRef,
    type: z.enum(["Normal", "Warning"]),
    reason: z.string().min(1),
    message: z.string(),
    count: z.number().int().positive(),
    firstSeen: timestamp.optional(),
    lastSeen: timestamp.optional(),
  }),
  /** One value from a collector sample (`vigil.metrics.*`) or metrics.k8s.io. */
  z.object({
    kind: z.literal("sample"),
    ...common,
    /** Dotted path of the value, e.g. `psi.memory.some.avg10`, `memory.MemAvailable`, `pod.memoryWorkingSetBytes`. */
    metric: z.string().min(1),
    value: z.number(),
    unit: z.string().optional(),
    node: z.string().min(1).optional(),
    ref: resourceRef.optional(),
    /** The sample message it came from, when it came from one. */
    sampleId: messageId.optional(),
  }),
  /** A kernel event from ebpf-ingest (`vigil.events.kernel.*`). */
  z.object({
    kind: z.literal("kernel_event"),
    ...common,
    kernelEventId: messageId,
    type: kernelEventTypeName,
    node: z.string().min(1),
    ref: resourceRef.optional(),
  }),
  /** Container log lines (already trimmed to the relevant ones). */
  z.object({
    kind: z.literal("log"),
    ...common,
    ref: resourceRef,
    previous: z.boolean(),
    lines: z.array(z.string().max(4096)).max(200),
  }),
  /** An alert, typically one of the others grouped into the incident. */
  z.object({
    kind: z.literal("alert"),
    ...common,
    alertId: messageId,
    alertname: z.string().min(1),
  }),
]);
export type Evidence = z.infer<typeof evidence>;

export const hypothesisStatus = z.enum(["supported", "refuted", "open"]);
export type HypothesisStatus = z.infer<typeof hypothesisStatus>;

/** A candidate explanation, with how sure we are and the evidence ids it rests on. */
export const hypothesis = z.object({
  statement: z.string().min(1),
  status: hypothesisStatus,
  confidence,
  evidenceRefs: z.array(evidenceId).default([]),
});
export type Hypothesis = z.infer<typeof hypothesis>;
