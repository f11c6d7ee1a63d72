// /proc/<pid>/cgroup: which cgroup a process is in, when the event carries only a pid. One line per
// hierarchy, `<id>:<controllers>:<path>`: v1 lines name their controllers (`4:memory:/kubepods/...`), the v2
// line is `0::<path>`. A hybrid host has both, and there the v2 line often says `/` while the memory line has
// the container: the memory controller's path is the one OOM kills and limits are about.
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

export interface ProcCgroupLine {
  hierarchy: number;
  /** v1 controllers (`memory`, `cpu,cpuacct`, `name=systemd`); empty for the v2 line. */
  controllers: string[];
  path: string;
}

export function parseProcCgroup(text: string): ProcCgroupLine[] {
  const out: ProcCgroupLine[] = [];
  for (const line of text.split("\n")) {
    // The path may itself contain ':' (cgroup names may): split on the first two only.
    const a = line.indexOf(":");
    const b = a < 0 ? -1 : line.indexOf(":", a + 1);
    if (b < 0) continue;
    const hierarchy = Number(line.slice(0, a));
    if (!Number.isInteger(hierarchy)) continue;
    const controllers = line.slice(a + 1, b);
    out.push({ hierarchy, controllers: controllers ? controllers.split(",") : [], path: line.slice(b + 1) });
  }
  return out;
}

/** The path to enrich with: v1 memory, else the v2 line, else name=systemd (which follows the v2 layout), else the first. */
export function pickCgroupPath(lines: readonly ProcCgroupLine[]): string | undefined {
  const memory = lines.find((l) => l.controllers.includes("memory"));
  if (memory) return memory.path;
  const unified = lines.find((l) => l.hierarchy === 0 && l.controllers.length === 0);
  // A hybrid host without a memory line but a v2 one at the root says nothing; keep looking then.
  if (unified && unified.path !== "/") return unified.path;
  return lines.find((l) => l.controllers.includes("name=systemd"))?.path ?? unified?.path ?? lines[0]?.path;
}

// A real file is well under 2 KiB (one line per hierarchy); the cap keeps a corrupt or hostile file cheap.
const MAX_BYTES = 16 * 1024;
const buffer = Buffer.allocUnsafe(MAX_BYTES);

/**
 * The cgroup path of `pid` from `<hostRoot>/proc/<pid>/cgroup`, read synchronously in one bounded read (it
 * runs on the enrichment hot path, where an await per event would cost more than the read). Undefined when
 * the process is gone, as an OOM victim or a killed process usually is by the time its event arrives.
 */
export function readProcCgroup(hostRoot: string, pid: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(hostRoot, "proc", String(pid), "cgroup"), "r");
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
  try {
    const n = readSync(fd, buffer, 0, MAX_BYTES, 0);
    return pickCgroupPath(parseProcCgroup(buffer.toString("utf8", 0, n)));
  } catch (err) {
    // ESRCH: the process exited between open and read.
    if (isGone(err)) return undefined;
    throw err;
  } finally {
    closeSync(fd);
  }
}

const isGone = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ESRCH";
};
