import { hostname } from "node:os";
import { envBoolean } from "@vigil/service";
import { z } from "zod";

const TRACERS = ["oom", "swap", "cgroup", "signal"] as const;

export const ingestConfigShape = {
  /** The node this instance runs on (the DaemonSet sets it from spec.nodeName); stamped on every event. */
  NODE_NAME: z.string().min(1).default(hostname()),
  /** Where the host's / is mounted (for /proc/<pid>/cgroup and cgroup files). */
  HOST_ROOT: z.string().min(1).default("/"),
  /** Require `Authorization: Bearer <token>` on POST /events and gRPC metadata. */
  INGEST_TOKEN: z.string().min(1).optional(),
  /** Accept event types Vigil does not know (their fields travel as sent). */
  INGEST_ALLOW_UNKNOWN_TYPES: envBoolean.default(false),
  INGEST_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  INGEST_MAX_EVENTS_PER_REQUEST: z.coerce.number().int().min(1).default(10_000),
  /** gRPC ingestion (vigil.ingest.v1.KernelEventIngest); 0 picks a free port, -1 turns it off. */
  INGEST_GRPC_PORT: z.coerce.number().int().min(-1).max(65535).default(3102),
  /** Tracers to run: a comma-separated subset of oom,swap,cgroup,signal; `none` for ingestion only. */
  INGEST_TRACERS: z
    .string()
    .default(TRACERS.join(","))
    .transform((s, ctx) => {
      const list = s
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
      if (list.length === 1 && list[0] === "none") return [];
      const bad = list.filter((t) => !(TRACERS as readonly string[]).includes(t));
      if (bad.length)
        ctx.addIssue({ code: "custom", message: `unknown tracer ${bad.join(", ")}: choose from ${TRACERS.join(", ")}, or none` });
      return list;
    }),
  /** `auto`: eBPF when available, else cgroup OOM counters; `off`: cgroup counters only (no BPF). */
  INGEST_BPF: z.enum(["auto", "off"]).default("auto"),
  /** Poll period of the cgroup OOM-counter fallback. */
  INGEST_CGROUP_POLL_MS: z.coerce.number().int().min(100).default(1000),
  /** Look pods up through the Kubernetes API (in-cluster or KUBECONFIG) to name them; off: cgroup paths only. */
  INGEST_KUBERNETES: envBoolean.default(true),
  /** A kubeconfig file; unset: in-cluster credentials, else ~/.kube/config. */
  KUBECONFIG: z.string().min(1).optional(),
};

export type IngestConfig = z.infer<z.ZodObject<typeof ingestConfigShape>>;
