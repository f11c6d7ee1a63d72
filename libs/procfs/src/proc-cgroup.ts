// /proc/<pid>/cgroup: which cgroup a process is in, when an event carries only a pid. One line per
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

const isUnified = (l: ProcCgroupLine): boolean => l.hierarchy === 0 && l.controllers.length === 0;

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
    const parsed: ProcCgroupLine = { hierarchy, controllers: controllers ? controllers.split(",") : [], path: line.slice(b + 1) };
    // The v2 path of a zombie whose cgroup is gone ends in " (deleted)" (only v2 says so).
    if (isUnified(parsed)) parsed.path = parsed.path.replace(/ \(deleted\)$/, "");
    out.push(parsed);
  }
  return out;
}

/** The path to enrich with: v1 memory, else the v2 line, else name=systemd (which follows the v2 layout), else the first. */
export function pickCgroupPath(lines: readonly ProcCgroupLine[]): string | undefined {
  const memory = lines.find((l) => l.controllers.includes("memory"));
  if (memory) return memory.path;
  const unified = lines.find(isUnified);
  // A hybrid host without a memory line but a v2 one at the root says nothing; keep looking then.
  if (unified && unified.path !== "/") return unified.path;
  return lines.find((l) => l.controllers.includes("name=systemd"))?.path ?? unified?.path ?? lines[0]?.path;
}

/** The memory controller's cgroup: its v1 line, else the v2 line (where every controller lives); with the version. */
export function memoryCgroupFromProc(text: string): { path: string; version: 1 | 2 } | undefined {
  const lines = parseProcCgroup(text);
  const memory = lines.find((l) => l.controllers.includes("memory"));
  if (memory) return { path: memory.path, version: 1 };
  const unified = lines.find(isUnified);
  return unified ? { path: unified.path, version: 2 } : undefined;
}

// A real file is well under 2 KiB (one line per hierarchy); the cap keeps a corrupt or hostile file cheap.
const MAX_BYTES = 16 * 1024;
const buffer = Buffer.allocUnsafe(MAX_BYTES);

/**
 * `<hostRoot>/proc/<pid>/<file>` read synchronously in one bounded read (it runs on the enrichment hot path,
 * where an await per event would cost more than the read). Undefined when the process is gone, as an OOM
 * victim or a killed process usually is by the time its event arrives.
 */
function readProcFile(hostRoot: string, pid: number, file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(hostRoot, "proc", String(pid), file), "r");
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
  try {
    const n = readSync(fd, buffer, 0, MAX_BYTES, 0);
    return buffer.toString("utf8", 0, n);
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

/** The cgroup path of `pid` from `<hostRoot>/proc/<pid>/cgroup` (see pickCgroupPath), or undefined once it is gone. */
export function readProcCgroup(hostRoot: string, pid: number): string | undefined {
  const text = readProcFile(hostRoot, pid, "cgroup");
  return text === undefined ? undefined : pickCgroupPath(parseProcCgroup(text));
}

const PF_EXITING = 0x4;

/** Whether a task has started exiting (PF_EXITING in the flags field of /proc/<pid>/stat); gone counts as exiting. */
function isExiting(hostRoot: string, pid: number): boolean {
  const stat = readProcFile(hostRoot, pid, "stat");
  if (stat === undefined) return true;
  // Fields after "(comm)": state ppid pgrp session tty_nr tpgid flags ...
  const flags = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[6]);
  return Number.isFinite(flags) ? (flags & PF_EXITING) !== 0 : true;
}

/**
 * The memory cgroup of a process, relative to the hierarchy root; undefined once it is gone. On v1
 * hierarchies the kernel shows exiting tasks (an OOM victim, a SIGKILLed target) in the root cgroup
 * "/", so a v1 answer only counts if the task was not exiting when the file was read.
 */
export function memoryCgroupOfPid(pid: number, hostRoot = "/"): string | undefined {
  const text = readProcFile(hostRoot, pid, "cgroup");
  const found = text === undefined ? undefined : memoryCgroupFromProc(text);
  if (found?.version === 1 && isExiting(hostRoot, pid)) return undefined;
  return found?.path;
}
