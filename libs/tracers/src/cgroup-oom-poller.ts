// The fallback when BPF is unavailable: the kernel counts OOM kills per memory cgroup (v2
// memory.events[.local] "oom_kill", v1 memory.oom_control "oom_kill"), so polling those counters sees
// every kill, just not the victim. An increase becomes an oom_kill event with oom_kills = the increase.
import { access, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { knownKernelEventInput } from "@vigil/contracts";
import type { Logger } from "pino";
import { listCgroupHierarchies, memoryCgroupCount } from "./cgroup-fs.js";
import { walkCgroups } from "./cgroup-walk.js";
import { cgroupRefs } from "./event-fields.js";
import type { KernelEventSink } from "./tracer-definition.js";

export interface CgroupOomPollerOptions {
  /** Memory hierarchy mount points; default: the cgroup2 root if it has the memory controller, and the v1 memory mount. */
  cgroupRoots?: string[];
  /** Default 1000. */
  intervalMs?: number;
  onEvent: KernelEventSink;
  log: Logger;
  /** Full rescan of the tree every this many polls (default 30); a changed memory cgroup count rescans at once. */
  rescanEvery?: number;
  /** Depth below each root to watch; default 8. */
  maxDepth?: number;
}

interface Counter {
  rel: string;
  file: string;
  value: number;
}

/** The memory hierarchies to watch, deduplicated (the same hierarchy can be mounted twice). */
export async function discoverMemoryRoots(): Promise<string[]> {
  const hierarchies = await listCgroupHierarchies();
  const roots: string[] = [];
  const seen = new Set<string>();
  for (const h of hierarchies.filter((h) => h.controllers.includes("memory"))) {
    const st = await stat(h.mountPoint).catch(() => undefined);
    const key = st ? `${st.dev}:${st.ino}` : h.mountPoint;
    if (seen.has(key)) continue;
    seen.add(key);
    roots.push(h.mountPoint);
  }
  return roots;
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

/** Where a cgroup's own OOM kill count lives; .local (v2) leaves out descendants so parents do not double count. */
async function counterFile(dir: string): Promise<string | undefined> {
  for (const name of ["memory.events.local", "memory.events", "memory.oom_control"]) {
    if (await exists(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The oom_kill value of a memory.events / memory.oom_control file. */
export function parseOomKills(text: string): number | undefined {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export class CgroupOomPoller {
  private roots: string[] = [];
  private counters = new Map<string, Counter>();
  private polls = 0;
  private completedPolls = 0;
  private cgroupCount: number | undefined;
  private rescanNeeded = true;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly rescanEvery: number;

  constructor(private readonly opts: CgroupOomPollerOptions) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.rescanEvery = opts.rescanEvery ?? 30;
  }

  /** Finds the roots and records baselines (kills from before start are not reported), then polls. */
  async start(): Promise<void> {
    this.roots = this.opts.cgroupRoots ?? (await discoverMemoryRoots());
    if (this.roots.length === 0) this.opts.log.warn("no memory cgroup hierarchy found; OOM kills cannot be counted");
    await this.rescan(false);
    this.opts.log.info({ roots: this.roots, cgroups: this.counters.size }, "cgroup OOM poller started");
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** The watched roots, how many cgroups are tracked under them, and how many polls have completed (to wait for the next). */
  status(): { roots: string[]; cgroups: number; polls: number } {
    return { roots: [...this.roots], cgroups: this.counters.size, polls: this.completedPolls };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.poll()
        .catch((error: unknown) => this.opts.log.error({ err: error }, "cgroup OOM poll failed"))
        .finally(() => {
          this.completedPolls++;
          this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    this.polls++;
    const count = await memoryCgroupCount();
    if (count !== this.cgroupCount || this.polls % this.rescanEvery === 0) this.rescanNeeded = true;
    if (this.rescanNeeded) await this.rescan(true);
    for (const [key, c] of this.counters) {
      const text = await readFile(c.file, "utf8").catch(() => undefined);
      const value = text === undefined ? undefined : parseOomKills(text);
      if (value === undefined) {
        // Removed since the last scan.
        this.counters.delete(key);
        continue;
      }
      if (value > c.value) this.emit(c.rel, value - c.value);
      c.value = value;
    }
  }

  /**
   * Re-lists the cgroups. A cgroup first seen after start was created since, so all its kills are new
   * (`reportNew`); one seen again keeps its last value. On v2 a directory without memory files has no
   * memory controller, and neither can its children: the walk stops there.
   */
  private async rescan(reportNew: boolean): Promise<void> {
    this.rescanNeeded = false;
    this.cgroupCount = await memoryCgroupCount();
    const found = new Map<string, Counter>();
    for (const root of this.roots) {
      const descend = async (rel: string, abs: string): Promise<boolean> => rel === "/" || (await counterFile(abs)) !== undefined;
      for await (const rel of walkCgroups(root, { maxDepth: this.opts.maxDepth ?? 8, descend })) {
        const abs = join(root, rel);
        const known = this.counters.get(abs);
        if (known) {
          found.set(abs, known);
          continue;
        }
        const file = await counterFile(abs);
        if (!file) continue;
        const value = parseOomKills(await readFile(file, "utf8").catch(() => ""));
        if (value === undefined) continue;
        found.set(abs, { rel, file, value: reportNew ? 0 : value });
      }
    }
    this.counters = found;
  }

  private emit(rel: string, kills: number): void {
    const event = { type: "oom_kill", ts: new Date().toISOString(), cgroup_path: rel, oom_kills: kills, ...cgroupRefs(rel) };
    const parsed = knownKernelEventInput.safeParse(event);
    if (!parsed.success) {
      this.opts.log.warn({ event, issues: parsed.error.issues.slice(0, 5) }, "cgroup OOM poller: invalid event");
      return;
    }
    this.opts.onEvent(parsed.data, "cgroup");
  }
}
