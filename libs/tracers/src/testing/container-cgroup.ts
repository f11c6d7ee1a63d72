// Cgroup directories shaped like a Kubernetes container's, created the way a runtime does it: the same
// relative path in every hierarchy. They sit under a unique top-level directory so a real kubepods tree
// is never touched.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { listCgroupHierarchies } from "../cgroup-fs.js";
import { removeCgroupDir, removeCgroupDirSync } from "./cgroup-dirs.js";
import { atExit } from "./exit-hook.js";

export interface FakeContainerCgroup {
  /** The container cgroup relative to each hierarchy root, as the cgroup tracepoints report it. */
  relativePath: string;
  /** The unique top-level directory everything else sits under, e.g. "/vigil-test-1a2b3c4d". */
  topPath: string;
  containerId: string;
  podUid: string;
  /** Hierarchy mount points the directories were created in. */
  mountPoints: string[];
  /** Removes every directory created (idempotent). */
  remove(): Promise<void>;
}

export interface FakeContainerCgroupOptions {
  /** "cgroupfs": /kubepods/burstable/pod<uid>/<id>; "systemd": kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope. */
  driver?: "cgroupfs" | "systemd";
  /** Mount points to create it in; default every v1 hierarchy with a controller, and cgroup2. */
  mountPoints?: string[];
}

/** Creates the pod and container directories (mkdir -p) in each hierarchy. */
export async function createContainerCgroup(opts: FakeContainerCgroupOptions = {}): Promise<FakeContainerCgroup> {
  const containerId = randomBytes(32).toString("hex");
  const podUid = randomUUID();
  const topPath = `/vigil-test-${randomBytes(4).toString("hex")}`;
  const relativePath =
    opts.driver === "systemd"
      ? `${topPath}/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${podUid.replaceAll("-", "_")}.slice/cri-containerd-${containerId}.scope`
      : `${topPath}/kubepods/burstable/pod${podUid}/${containerId}`;
  const mountPoints =
    opts.mountPoints ?? (await listCgroupHierarchies()).filter((h) => h.version === 2 || h.controllers.length > 0).map((h) => h.mountPoint);
  const tops = mountPoints.map((m) => join(m, topPath));
  const unregister = atExit(() => tops.forEach(removeCgroupDirSync));
  let removed: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    removed ??= Promise.all(tops.map((t) => removeCgroupDir(t))).then(() => void unregister());
    return removed;
  };
  try {
    for (const m of mountPoints) await mkdir(join(m, relativePath), { recursive: true });
  } catch (error) {
    await remove().catch(() => {});
    throw error;
  }
  return { relativePath, topPath, containerId, podUid, mountPoints, remove };
}
