// Small helpers shared by the decoders that build kernel event inputs.
import { readFile } from "node:fs/promises";
import { containerOfCgroup, podUidOfCgroup } from "@vigil/procfs";

/** Drops undefined properties so events carry only what the producer knows. */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** container_id / pod_uid for a cgroup path, when it names them. */
export function cgroupRefs(path: string | undefined): { container_id?: string; pod_uid?: string } {
  if (!path) return {};
  const container = containerOfCgroup(path);
  return compact({ container_id: container?.containerId, pod_uid: container?.podUid ?? podUidOfCgroup(path) });
}

/** A process's comm, or undefined once it is gone. */
export async function readComm(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => undefined);
  return text?.replace(/\n$/, "");
}
