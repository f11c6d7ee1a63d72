// Where the cgroup hierarchies are mounted and which one holds the memory controller: a v1 node has
// /sys/fs/cgroup/memory, a hybrid node additionally an empty cgroup2 at /sys/fs/cgroup/unified, a v2
// node one cgroup2 at /sys/fs/cgroup whose cgroup.controllers lists "memory".
import { readFile } from "node:fs/promises";

export interface CgroupHierarchy {
  /** Absolute mount point, e.g. /sys/fs/cgroup/memory or /sys/fs/cgroup. */
  mountPoint: string;
  version: 1 | 2;
  /** Controllers bound to it (v1: mount options; v2: cgroup.controllers of the root). */
  controllers: string[];
}

const V1_NON_CONTROLLER_OPTIONS = new Set([
  "rw",
  "ro",
  "relatime",
  "noatime",
  "nosuid",
  "nodev",
  "noexec",
  "xattr",
  "clone_children",
  "noprefix",
  "cpuset_v2_mode",
  "favordynmods",
]);

// /proc/mounts escapes space, tab, newline and backslash as octal.
const unescapeMount = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Every cgroup/cgroup2 mount (first mount point per v1 hierarchy), v2 roots with their controllers. */
export async function listCgroupHierarchies(mountsFile = "/proc/self/mounts"): Promise<CgroupHierarchy[]> {
  const text = await readFile(mountsFile, "utf8");
  const out: CgroupHierarchy[] = [];
  const seenV1 = new Set<string>();
  for (const line of text.split("\n")) {
    const [, mountPoint, fsType, options] = line.split(" ");
    if (mountPoint === undefined || options === undefined) continue;
    const path = unescapeMount(mountPoint);
    if (fsType === "cgroup") {
      const controllers = options
        .split(",")
        .filter((o) => !V1_NON_CONTROLLER_OPTIONS.has(o) && !o.includes("="))
        .sort();
      const key = controllers.join(",") || options;
      if (seenV1.has(key)) continue;
      seenV1.add(key);
      out.push({ mountPoint: path, version: 1, controllers });
    } else if (fsType === "cgroup2") {
      const available = await readFile(`${path}/cgroup.controllers`, "utf8").catch(() => "");
      out.push({ mountPoint: path, version: 2, controllers: available.split(/\s+/).filter(Boolean) });
    }
  }
  return out;
}

/** The hierarchy the memory controller is bound to, if any. */
export async function memoryHierarchy(mountsFile?: string): Promise<CgroupHierarchy | undefined> {
  const all = await listCgroupHierarchies(mountsFile);
  return all.find((h) => h.controllers.includes("memory"));
}

/** The default (cgroup2) hierarchy, whether or not it has controllers. */
export async function unifiedHierarchy(mountsFile?: string): Promise<CgroupHierarchy | undefined> {
  const all = await listCgroupHierarchies(mountsFile);
  return all.find((h) => h.version === 2);
}

/**
 * The memory controller's index in the kernel's css_set.subsys[] array: /proc/cgroups lists the
 * compiled-in controllers in subsystem-id order, enabled or not.
 */
export async function memorySubsysIndex(file = "/proc/cgroups"): Promise<number | undefined> {
  const text = await readFile(file, "utf8").catch(() => "");
  const names = text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(/\s+/)[0]);
  const i = names.indexOf("memory");
  return i >= 0 ? i : undefined;
}

/**
 * Mount point per hierarchy id, the `root` of the cgroup tracepoints: 0 is cgroup2, v1 ids come from
 * /proc/cgroups (controller -> hierarchy) joined with the mounts (controller -> mount point).
 */
export async function hierarchyMountPoints(file = "/proc/cgroups", mountsFile?: string): Promise<Map<number, string>> {
  const hierarchies = await listCgroupHierarchies(mountsFile);
  const out = new Map<number, string>();
  const unified = hierarchies.find((h) => h.version === 2);
  if (unified) out.set(0, unified.mountPoint);
  const text = await readFile(file, "utf8").catch(() => "");
  for (const line of text.split("\n")) {
    const [name, id] = line.split(/\s+/);
    if (!name || name.startsWith("#") || !id || id === "0") continue;
    const mount = hierarchies.find((h) => h.version === 1 && h.controllers.includes(name));
    if (mount) out.set(Number(id), mount.mountPoint);
  }
  return out;
}

/** The memory controller's cgroup count from /proc/cgroups: changes whenever a memory cgroup is created or removed. */
export async function memoryCgroupCount(file = "/proc/cgroups"): Promise<number | undefined> {
  const text = await readFile(file, "utf8").catch(() => "");
  const row = text.split("\n").find((l) => l.startsWith("memory\t") || l.startsWith("memory "));
  const n = row ? Number(row.split(/\s+/)[2]) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** The deepest common ancestor of two absolute cgroup paths ("/a/b", "/a/c" -> "/a"). */
export function commonAncestor(a: string, b: string): string {
  const pa = a.split("/").filter(Boolean);
  const pb = b.split("/").filter(Boolean);
  const common: string[] = [];
  for (let i = 0; i < Math.min(pa.length, pb.length) && pa[i] === pb[i]; i++) common.push(pa[i] as string);
  return `/${common.join("/")}`;
}
