// Kubernetes cgroup paths, as the kubelet and the container runtimes name them, taken apart into the
// pod uid, the QoS class and the container id. Pure: no I/O, so it is cached by input string.
//
// The shapes, for a Burstable pod (Guaranteed pods sit directly under kubepods, without a QoS level):
//   systemd driver:  /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid with _>.slice/<leaf>
//   cgroupfs driver: /kubepods/burstable/pod<uid>/<leaf>
// with <leaf>: cri-containerd-<id>.scope (containerd), crio-<id>.scope / crio-<id> (CRI-O, systemd /
// cgroupfs), crio-conmon-<id>[.scope] (CRI-O's monitor for that container), docker-<id>.scope (dockershim,
// cri-dockerd), or a bare <id> (containerd or docker with cgroupfs). The same relative path appears under
// every v1 controller and once in v2. A kubelet --cgroup-root (kind: /kubelet) prefixes the systemd slice
// names (kubelet-kubepods-burstable-pod<uid>.slice), and nodes that are themselves containers (kind, k3d)
// put the whole tree below the node container's own cgroup (/docker/<node id>/kubepods/...,
// /system.slice/docker-<node id>.scope/kubelet.slice/...). So the pod level is found by its own name
// wherever it is, and a container id is taken only from the level right below it: the node container's id
// above kubepods is not a Kubernetes container.

/** The container runtimes Kubernetes nodes run, as cgroup names and CRI version answers spell them. */
export type ContainerRuntime = "containerd" | "cri-o" | "docker";

/** Kubernetes' own spelling (pod.status.qosClass), so it reads the same in the API and in Vigil's events. */
export type QosClass = "Guaranteed" | "Burstable" | "BestEffort";

export type CgroupLevel = "container" | "pod" | "qos" | "kubepods" | "none";

export interface ParsedCgroup {
  /** Normalised: relative to the cgroup root (the controller's, for v1), leading slash, no trailing slash. */
  path: string;
  /** Below kubepods, or a pod level was recognised. */
  kubernetes: boolean;
  /** How deep the path reaches into the Kubernetes hierarchy ("none" outside it). */
  level: CgroupLevel;
  qos?: QosClass;
  podUid?: string;
  containerId?: string;
  runtime?: ContainerRuntime;
  /** crio-conmon-<id>: CRI-O's monitor of container <id>, not the container's own processes. */
  conmon?: true;
  /** The container-level cgroup (normalised): `path` itself, or an ancestor when the path is below it. */
  containerCgroup?: string;
  /** The pod-level cgroup (normalised), for walking up from a container. */
  podCgroup?: string;
  /** The QoS-level cgroup (Burstable and BestEffort pods only). */
  qosCgroup?: string;
  /** The kubepods cgroup, where the kubelet enforces node allocatable. */
  kubepodsCgroup?: string;
}

// Directories a v1 hierarchy (or the hybrid v2 one) is mounted at under /sys/fs/cgroup, possibly co-mounted
// (cpu,cpuacct). A v2-only host has no such directories: its cgroups start right at /sys/fs/cgroup.
const CONTROLLER_DIR =
  /^(?:memory|cpu|cpuacct|cpuset|blkio|devices|freezer|net_cls|net_prio|perf_event|hugetlb|pids|rdma|misc|systemd|unified|elogind|name=[\w.-]+)(?:,[\w.=-]+)*$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Static pods' uid is the 32-hex hash of their manifest (kubernetes.io/config.hash), not a UUID.
const STATIC_UID = /^[0-9a-f]{32}$/;

// The optional "<prefix>-" is a kubelet --cgroup-root under the systemd driver (kind: kubelet-kubepods...).
const SYSTEMD_POD = /^(?:[\w.-]*-)?kubepods(?:-(burstable|besteffort))?-pod([0-9a-f_]{32,36})\.slice$/;
const SYSTEMD_QOS = /^(?:[\w.-]*-)?kubepods-(burstable|besteffort)\.slice$/;
const SYSTEMD_KUBEPODS = /^(?:[\w.-]*-)?kubepods\.slice$/;
const CGROUPFS_POD = /^pod([0-9a-f-]{32,36})$/;

const LEAVES: ReadonlyArray<{ re: RegExp; runtime?: ContainerRuntime; conmon?: true }> = [
  { re: /^cri-containerd-([0-9a-f]{64})\.scope$/, runtime: "containerd" },
  { re: /^crio-conmon-([0-9a-f]{64})(?:\.scope)?$/, runtime: "cri-o", conmon: true },
  { re: /^crio-([0-9a-f]{64})(?:\.scope)?$/, runtime: "cri-o" },
  { re: /^docker-([0-9a-f]{64})\.scope$/, runtime: "docker" },
  // cgroupfs driver with containerd or docker: the runtime does not show in the name.
  { re: /^([0-9a-f]{64})$/ },
];

const QOS: Record<string, QosClass> = { burstable: "Burstable", besteffort: "BestEffort" };

/** Segments of a path relative to the cgroup root: an absolute /sys/fs/cgroup[/<controller>] prefix is dropped. */
function segmentsOf(raw: string): string[] {
  const segs = raw.split("/").filter((s) => s !== "" && s !== ".");
  // Anywhere, not only at the start: a host root mounted into a container puts it at /host/sys/fs/cgroup.
  for (let i = 0; i + 2 < segs.length; i++) {
    if (segs[i] === "sys" && segs[i + 1] === "fs" && segs[i + 2] === "cgroup") {
      const rest = segs.slice(i + 3);
      return rest.length > 0 && CONTROLLER_DIR.test(rest[0]!) ? rest.slice(1) : rest;
    }
  }
  return segs;
}

/**
 * The path relative to the cgroup root, e.g. `/sys/fs/cgroup/memory/kubepods/pod1/abc` → `/kubepods/pod1/abc`.
 * `..` segments (a /proc/<pid>/cgroup read from inside another cgroup namespace) are kept: they cannot be resolved.
 */
export function normalizeCgroupPath(raw: string): string {
  return `/${segmentsOf(raw.trim()).join("/")}`;
}

function podUidOf(raw: string): string | undefined {
  const uid = raw.replaceAll("_", "-");
  return UUID.test(uid) || STATIC_UID.test(uid) ? uid : undefined;
}

const join = (segs: readonly string[], end: number): string => `/${segs.slice(0, end).join("/")}`;

/** Takes a cgroup path apart; never throws. Paths outside kubepods (system.slice, user.slice) give no pod. */
export function parseCgroupPath(raw: string): ParsedCgroup {
  const segs = segmentsOf(raw.trim());
  const path = `/${segs.join("/")}`;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    let uid: string | undefined;
    let qos: QosClass | undefined;
    let qosAt = -1;
    let kubepodsAt = -1;
    const systemd = SYSTEMD_POD.exec(seg);
    if (systemd) {
      uid = podUidOf(systemd[2]!);
      qos = systemd[1] ? QOS[systemd[1]] : "Guaranteed";
      if (systemd[1]) {
        if (i >= 1 && SYSTEMD_QOS.test(segs[i - 1]!)) qosAt = i - 1;
        if (qosAt >= 1 && SYSTEMD_KUBEPODS.test(segs[qosAt - 1]!)) kubepodsAt = qosAt - 1;
      } else if (i >= 1 && SYSTEMD_KUBEPODS.test(segs[i - 1]!)) kubepodsAt = i - 1;
    } else {
      const cgroupfs = CGROUPFS_POD.exec(seg);
      if (cgroupfs) {
        uid = podUidOf(cgroupfs[1]!);
        // The parent says the class; above a namespace boundary ("..") it is unknown.
        const parent = i >= 1 ? segs[i - 1]! : undefined;
        if (parent === "kubepods") {
          qos = "Guaranteed";
          kubepodsAt = i - 1;
        } else if (parent !== undefined && QOS[parent] && i >= 2 && segs[i - 2] === "kubepods") {
          qos = QOS[parent];
          qosAt = i - 1;
          kubepodsAt = i - 2;
        }
      }
    }
    if (!uid) continue;
    const parsed: ParsedCgroup = { path, kubernetes: true, level: "pod", podUid: uid, podCgroup: join(segs, i + 1) };
    if (qos) parsed.qos = qos;
    if (qosAt >= 0) parsed.qosCgroup = join(segs, qosAt + 1);
    if (kubepodsAt >= 0) parsed.kubepodsCgroup = join(segs, kubepodsAt + 1);
    const leaf = segs[i + 1];
    if (leaf !== undefined) {
      for (const l of LEAVES) {
        const m = l.re.exec(leaf);
        if (!m) continue;
        parsed.level = "container";
        parsed.containerId = m[1]!;
        parsed.containerCgroup = join(segs, i + 2);
        if (l.runtime) parsed.runtime = l.runtime;
        if (l.conmon) parsed.conmon = true;
        break;
      }
    }
    return parsed;
  }
  return parseAbovePods(path, segs);
}

/** kubepods itself or a QoS level: Kubernetes' part of the tree, but no particular pod. */
function parseAbovePods(path: string, segs: readonly string[]): ParsedCgroup {
  let result: ParsedCgroup = { path, kubernetes: false, level: "none" };
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (SYSTEMD_KUBEPODS.test(seg) || seg === "kubepods") {
      result = { path, kubernetes: true, level: "kubepods", kubepodsCgroup: join(segs, i + 1) };
      const next = segs[i + 1];
      const qos = next === undefined ? undefined : (SYSTEMD_QOS.exec(next)?.[1] ?? (seg === "kubepods" ? next : undefined));
      if (qos !== undefined && QOS[qos]) {
        result.level = "qos";
        result.qos = QOS[qos];
        result.qosCgroup = join(segs, i + 2);
      }
      return result;
    }
  }
  return result;
}

/** Every ancestor of a normalised path, nearest first, the path itself included and the root excluded. */
export function cgroupAncestors(path: string): string[] {
  const out: string[] = [];
  let p = path;
  while (p.length > 1) {
    out.push(p);
    p = p.slice(0, p.lastIndexOf("/")) || "/";
  }
  return out;
}
