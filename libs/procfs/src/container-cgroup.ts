// Which cgroup directories are a container's own, among the many a node creates (systemd units, slices, pod
// cgroups, runtime helpers): the cgroup tracer turns their mkdir/rmdir into container_start/exit. Paths are
// relative to the hierarchy root, as the cgroup tracepoints and /proc/<pid>/cgroup report them.
import { parseCgroupPath, type ContainerRuntime } from "./cgroup-path.js";

export interface ContainerCgroup {
  /** 64 hex characters. */
  containerId: string;
  /** The pod's UID (dashed) when the path is under a kubepods pod cgroup. */
  podUid?: string;
  /** When the cgroup name says it (a bare id under the cgroupfs driver does not). */
  runtime?: ContainerRuntime;
}

const HEX64 = /^[0-9a-f]{64}$/;
// A docker container outside Kubernetes: its systemd scope, or its directory under the cgroupfs driver.
const DOCKER_SCOPE = /^docker-([0-9a-f]{64})\.scope$/;

/** The pod UID in a cgroup path (at the pod level or anywhere below it). */
export function podUidOfCgroup(path: string): string | undefined {
  return parseCgroupPath(path).podUid;
}

/**
 * The container a cgroup directory belongs to, if it is a container's own cgroup: not a pod's or a slice, not
 * CRI-O's conmon beside it, not a cgroup a runtime nests inside it (crun's `<scope>/container`, which would
 * otherwise count as a second start of the same container).
 */
export function containerOfCgroup(path: string): ContainerCgroup | undefined {
  const p = parseCgroupPath(path);
  if (p.containerId !== undefined) {
    if (p.conmon || p.containerCgroup !== p.path) return undefined;
    return { containerId: p.containerId, ...(p.podUid ? { podUid: p.podUid } : {}), ...(p.runtime ? { runtime: p.runtime } : {}) };
  }
  if (p.kubernetes) return undefined;
  const segments = p.path.split("/").filter(Boolean);
  const leaf = segments.at(-1) ?? "";
  const scope = DOCKER_SCOPE.exec(leaf);
  if (scope) return { containerId: scope[1]!, runtime: "docker" };
  if (segments.length === 2 && segments[0] === "docker" && HEX64.test(leaf)) return { containerId: leaf, runtime: "docker" };
  return undefined;
}
