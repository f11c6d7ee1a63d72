// Creating and removing cgroup directories for tests. A cgroup directory holds only kernel files, so
// it is removed with rmdir (children first), never with rm -r; rmdir fails with EBUSY while a task is
// still inside, which a just-killed process can be for a moment, hence the retries.
import { readdirSync, rmdirSync, type Dirent } from "node:fs";
import { readdir, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Removes a cgroup directory and its sub-cgroups; a missing directory is fine. */
export async function removeCgroupDir(dir: string, timeoutMs = 5000): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) await removeCgroupDir(join(dir, e.name), timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return;
      if (code !== "EBUSY" || Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** The synchronous variant for exit hooks: one attempt, errors ignored. */
export function removeCgroupDirSync(dir: string): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeCgroupDirSync(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    // Best effort at exit.
  }
}
