// <dataDir>/run.json: the stack that uses a data dir and the processes it started. Two stacks on one data dir would
// share a JetStream store and a PostgreSQL cluster, so the second is refused; and a stack that was SIGKILLed leaves
// its services, nats-server and postgres running in process groups of their own (so that Ctrl-C reaches only the
// stack): the next start finds them here and stops them before starting its own.
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isAlive, waitUntilGone } from "./processes.js";

interface RecordedProcess {
  name: string;
  pid: number;
  /** Its process group is its own: a service's children (bpftrace) go with it. */
  group: boolean;
}

interface RunFile {
  pid: number;
  startedAt: string;
  processes: RecordedProcess[];
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

function readRun(file: string): RunFile | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RunFile;
  } catch {
    return undefined;
  }
}

export interface RunRecord {
  add(process: RecordedProcess): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes the data dir for this process: refuses when another live stack has it, stops what a killed one left behind
 * (PostgreSQL excepted: postgres.ts shuts a leftover cluster down cleanly).
 */
export async function claimDataDir(dataDir: string, note: (line: string) => void): Promise<RunRecord> {
  const file = join(dataDir, "run.json");
  const previous = readRun(file);
  if (previous && previous.pid !== process.pid && isAlive(previous.pid) && /\bnode\b/.test(cmdline(previous.pid)))
    throw new Error(
      `another Vigil stack (pid ${previous.pid}, started ${previous.startedAt}) runs on ${dataDir}: stop it first, or give this one its own VIGIL_DATA_DIR`,
    );
  if (previous) {
    // A pid is only ours if it still runs the same program (pids are reused).
    const leftovers = previous.processes.filter((p) => p.name !== "postgres" && isAlive(p.pid) && cmdline(p.pid).includes(p.name));
    const signal = (p: RecordedProcess, sig: NodeJS.Signals): void => {
      try {
        process.kill(p.group ? -p.pid : p.pid, sig);
      } catch {
        // Gone meanwhile.
      }
    };
    // Services have nothing to lose; nats-server flushes its JetStream store on SIGTERM.
    for (const p of leftovers) signal(p, p.group ? "SIGKILL" : "SIGTERM");
    await Promise.all(leftovers.map(async (p) => (await waitUntilGone(p.pid, 5_000)) || signal(p, "SIGKILL")));
    if (leftovers.length > 0)
      note(
        `stopped what an earlier run (pid ${previous.pid}) left running: ${leftovers.map((p) => `${p.name} (pid ${p.pid})`).join(", ")}`,
      );
  }
  const run: RunFile = { pid: process.pid, startedAt: new Date().toISOString(), processes: [] };
  await writeFile(file, JSON.stringify(run));
  return {
    async add(p) {
      run.processes.push(p);
      await writeFile(file, JSON.stringify(run));
    },
    async release() {
      await rm(file, { force: true });
    },
  };
}
