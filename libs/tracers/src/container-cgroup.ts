// Recognises container-level cgroups among the many a node creates (systemd units, slices, pod
// cgroups, runtime helpers). Paths are relative to the hierarchy root, as the cgroup tracepoints and
// /proc/<pid>/cgroup report them, never prefixed with /sys/fs/cgroup.

export type ContainerRuntime = "containerd" | "cri-o" | "docker" | "cgroupfs";

export interface ContainerCgroup {
  /** 64 hex characters. */
  containerId: string;
  /** The pod's UID (dashed) when the path is under a kubepods pod cgroup. */
  podUid?: string;
  runtime: ContainerRuntime;
}

const HEX64 = "([0-9a-f]{64})";
// systemd driver: one .scope unit per container, named by the runtime.
const SCOPES: Array<[RegExp, ContainerRuntime]> = [
  [new RegExp(`^cri-containerd-${HEX64}\\.scope$`), "containerd"],
  [new RegExp(`^crio-${HEX64}\\.scope$`), "cri-o"],
  [new RegExp(`^docker-${HEX64}\\.scope$`), "docker"],
];
// cgroupfs driver: the bare id (CRI-O and docker prefix it) under the pod's (or docker's) directory.
const CGROUPFS_LEAF = new RegExp(`^(?:crio-|docker-)?${HEX64}$`);
const UUID = "[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}";
// "pod<uid>" (cgroupfs) or "kubepods-<qos>-pod<uid>.slice" (systemd, dashes become underscores).
// Static pods have a 32-hex UID (a hash of the manifest) instead of a UUID.
const POD_SEGMENT = new RegExp(`(?:^|-)pod(${UUID}|[0-9a-f]{32})(?:\\.slice)?$`);

/** The pod UID in a cgroup path, from its pod-level segment. */
export function podUidOfCgroup(path: string): string | undefined {
  for (const segment of path.split("/").reverse()) {
    const m = POD_SEGMENT.exec(segment);
    if (m?.[1]) return m[1].replaceAll("_", "-");
  }
  return undefined;
}

/** The container a cgroup directory belongs to, if it is a container's own cgroup (not a pod's or a slice). */
export function containerOfCgroup(path: string): ContainerCgroup | undefined {
  const segments = path.split("/").filter(Boolean);
  const leaf = segments.at(-1);
  if (!leaf) return undefined;
  const podUid = podUidOfCgroup(path);
  for (const [re, runtime] of SCOPES) {
    const m = re.exec(leaf);
    if (m?.[1]) return podUid ? { containerId: m[1], podUid, runtime } : { containerId: m[1], runtime };
  }
  const m = CGROUPFS_LEAF.exec(leaf);
  const parent = segments.at(-2);
  if (!m?.[1] || parent === undefined) return undefined;
  if (parent === "docker") return { containerId: m[1], runtime: "cgroupfs" };
  if (podUid && POD_SEGMENT.test(parent)) return { containerId: m[1], podUid, runtime: "cgroupfs" };
  return undefined;
}
