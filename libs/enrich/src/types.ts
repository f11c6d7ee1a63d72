// What enrichment adds to a kernel event. `pod` and `container` have the shapes of `kernelEventMessage`
// (@vigil/contracts) so they can be copied onto the event as they are; the extra container flags
// (`conmon`, `sandbox`) are not part of the contract: zod strips them, put them in `data` if wanted.

// The runtime and QoS spellings come from the cgroup path parser (@vigil/procfs), which reads them off nodes.
import type { ContainerRuntime, QosClass } from "@vigil/procfs";

export type { ContainerRuntime, QosClass };

/** Where names came from: the API server's pod list, the runtime's labels, or nothing but the cgroup path. */
export type EnrichSource = "kubernetes" | "cri" | "path";

export interface PodRef {
  uid: string;
  namespace?: string;
  name?: string;
}

export interface ContainerRef {
  id: string;
  name?: string;
  runtime?: ContainerRuntime;
  /** CRI-O's conmon monitor process (crio-conmon-<id>): it watches this container and is not the app. */
  conmon?: true;
  /** The pod sandbox (pause) container: only the runtime knows sandbox ids, so only CRI sets this. */
  sandbox?: true;
}

export interface Enrichment {
  /** The cgroup path relative to the cgroup root (v1: the memory hierarchy's), e.g. /kubepods.slice/... */
  cgroup?: string;
  pod?: PodRef;
  container?: ContainerRef;
  qos?: QosClass;
  /** Which source supplied the names; "path" when only the cgroup path (or the input ids) spoke. Absent when nothing was found. */
  source?: EnrichSource;
}

/** The identifying fields of a kernel event (ebpf-ingest input names, camelCased). Any subset may be given. */
export interface EnrichInput {
  /** Relative to the cgroup root, absolute under /sys/fs/cgroup, v1 or v2, systemd or cgroupfs driver. */
  cgroupPath?: string;
  /** Read <hostRoot>/proc/<pid>/cgroup when no cgroup path is given. */
  pid?: number;
  /** 12 to 64 hex characters; a short id is matched as a prefix. */
  containerId?: string;
  podUid?: string;
}

/** A logger with pino's call shape; pino's Logger satisfies it. */
export interface EnrichLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
