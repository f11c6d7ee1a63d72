// A real OOM kill on demand: a fresh memory cgroup with a small limit and a process inside that
// allocates past it. Needs root and a memory controller (v2 if memory is on cgroup2, else v1).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { memoryHierarchy } from "../cgroup-fs.js";
import { removeCgroupDir, removeCgroupDirSync } from "./cgroup-dirs.js";
import { atExit } from "./exit-hook.js";

export interface OomVictimOptions {
  /** The cgroup's memory limit; default 20 MiB. */
  limitBytes?: number;
  /** What the process tries to allocate, in 1 MiB steps; default 200 MiB. It exits 0 if it gets all of it. */
  allocateBytes?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the exit was observed. */
  at: number;
}

export interface OomVictim {
  pid: number;
  /** The victim's comm: "python3", or "node" where python3 is missing. */
  comm: string;
  /** The cgroup relative to the memory hierarchy root, e.g. "/vigil-oom-1a2b3c4d". */
  cgroupPath: string;
  /** Its absolute directory. */
  cgroupDir: string;
  cgroupVersion: 1 | 2;
  /** Resolves when the process has exited (signal SIGKILL when the OOM killer got it). */
  exited: Promise<ProcessExit>;
  /** Kills the process if still alive and removes the cgroup. Idempotent. */
  cleanup(): Promise<void>;
}

const MiB = 1024 * 1024;
let python: boolean | undefined;

function hasPython3(): boolean {
  python ??= spawnSync("python3", ["-c", ""], { stdio: "ignore" }).status === 0;
  return python;
}

async function writeIfExists(file: string, value: string): Promise<void> {
  await writeFile(file, value).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

/** Creates the cgroup, starts the allocating process in it, and returns at once (the kill follows within ~100 ms). */
export async function createOomVictim(opts: OomVictimOptions = {}): Promise<OomVictim> {
  const limit = opts.limitBytes ?? 20 * MiB;
  const steps = Math.ceil((opts.allocateBytes ?? 200 * MiB) / MiB);
  const hierarchy = await memoryHierarchy();
  if (!hierarchy) throw new Error("no memory cgroup controller is mounted");
  const name = `vigil-oom-${randomBytes(4).toString("hex")}`;
  const dir = join(hierarchy.mountPoint, name);

  if (hierarchy.version === 2) {
    // Children of the root only get memory files if the root delegates the controller.
    const delegated = await readFile(join(hierarchy.mountPoint, "cgroup.subtree_control"), "utf8");
    if (!delegated.split(/\s+/).includes("memory")) await writeFile(join(hierarchy.mountPoint, "cgroup.subtree_control"), "+memory");
  }
  await mkdir(dir);
  let child: ReturnType<typeof spawn> | undefined;
  const unregister = atExit(() => {
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
    removeCgroupDirSync(dir);
  });
  try {
    if (hierarchy.version === 2) {
      await writeFile(join(dir, "memory.max"), String(limit));
      // Without this a host with swap pages the process out instead of killing it.
      await writeIfExists(join(dir, "memory.swap.max"), "0");
    } else {
      await writeFile(join(dir, "memory.limit_in_bytes"), String(limit));
      await writeIfExists(join(dir, "memory.memsw.limit_in_bytes"), String(limit));
      await writeIfExists(join(dir, "memory.swappiness"), "0");
    }
  } catch (error) {
    unregister();
    await removeCgroupDir(dir).catch(() => {});
    throw error;
  }

  // The shell moves itself into the cgroup, then execs the allocator: same pid, comm of the allocator.
  // Each step touches its memory (b"x" * n, Buffer.alloc(n, 1)) so it is really charged.
  const [interpreter, flag, script] = hasPython3()
    ? ["python3", "-c", `a = []\nfor _ in range(${steps}): a.append(b"x" * ${MiB})`]
    : ["node", "-e", `const a = []; for (let i = 0; i < ${steps}; i++) a.push(Buffer.alloc(${MiB}, 1));`];
  child = spawn("sh", ["-c", 'echo $$ > "$1/cgroup.procs" && exec "$2" "$3" "$4"', "sh", dir, interpreter, flag, script], {
    stdio: "ignore",
  });
  const spawned = child;
  const exited = new Promise<ProcessExit>((resolve) => {
    spawned.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() }));
    spawned.once("error", () => resolve({ code: null, signal: null, at: Date.now() }));
  });
  if (spawned.pid === undefined) {
    unregister();
    await removeCgroupDir(dir).catch(() => {});
    throw new Error("could not start the OOM victim process");
  }

  let cleaned: Promise<void> | undefined;
  return {
    pid: spawned.pid,
    comm: interpreter,
    cgroupPath: `/${name}`,
    cgroupDir: dir,
    cgroupVersion: hierarchy.version,
    exited,
    cleanup() {
      cleaned ??= (async () => {
        if (spawned.exitCode === null && spawned.signalCode === null) spawned.kill("SIGKILL");
        await exited;
        await removeCgroupDir(dir);
        unregister();
      })();
      return cleaned;
    },
  };
}
