import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { BlockRelations, disksTotal, withRelations } from "./block-relations.js";
import { cpuUsage, type ProcStat, parseStat } from "./cpu.js";
import { type DiskCounters, diskRates, isWholeDisk, parseDiskstats } from "./disks.js";
import { type FsCalls, type FsUsage, FilesystemProbe } from "./filesystems.js";
import { parseLoadavg } from "./load.js";
import { parseMeminfo, selectMemory } from "./memory.js";
import { type MountEntry, parseMountinfo, selectFilesystems } from "./mounts.js";
import { type NetCounters, networkRates, networkTotal, parseNetDev } from "./network.js";
import { type Pressure, parsePressure, pressureSample } from "./pressure.js";
import { listPids, systemPageSize, topProcesses } from "./processes.js";
import { roundRate } from "./rates.js";
import { readText } from "./read.js";
import { parseKernelRelease, parseOsRelease, parseUptime } from "./system.js";
import type { LoadSample, NodeSample, PsiSample, SystemSample } from "./types.js";
import { parseVmstat, vmstatRates } from "./vmstat.js";

export interface Clock {
  /** Epoch milliseconds, for the sample's timestamp. */
  wall(): number;
  /** Milliseconds on a clock that never jumps, for the interval that rates divide by. */
  monotonic(): number;
}

export interface NodeSamplerOptions {
  /** Node name carried in every sample. */
  node: string;
  /** Where the host's / is visible: "/" on the host, "/host" in a DaemonSet that mounts it there. */
  hostRoot?: string;
  /** How many processes topProcesses lists (default 10); 0 turns it off. */
  topN?: number;
  /**
   * The process listing (system.processes and topProcesses) is taken on the 1st sample and every `topEvery`-th
   * after (default 5): listing /proc and reading a file per process costs more than the rest of a sample together.
   */
  topEvery?: number;
  clock?: Clock;
  /** Bytes per page for statm; read from the kernel by default. */
  pageSize?: number;
  /** Replaces the stat/statfs calls of the filesystem probe (tests). */
  fsCalls?: FsCalls;
}

const PSI_RESOURCES = ["cpu", "memory", "io"] as const;
type PsiResource = (typeof PSI_RESOURCES)[number];

/**
 * The kernel's readings behind one sample, as read: running totals (CPU ticks, vmstat, PSI µs, diskstats,
 * net/dev), every meminfo field and each filesystem's statfs. Kept to compute the next sample's rates, and
 * exposed (`NodeSampler.counters`) so an exporter can publish absolute counters that match node_exporter's.
 */
export interface NodeCounters {
  /** Monotonic ms when the sample was taken. */
  at: number;
  stat?: ProcStat;
  vmstat?: Map<string, number>;
  psi: Partial<Record<PsiResource, Pressure>>;
  disks?: Map<string, DiskCounters>;
  net?: Map<string, NetCounters>;
  meminfo?: Record<string, number>;
  /** statfs per mountpoint, for the filesystems the sample reports. */
  filesystems?: ReadonlyMap<string, FsUsage>;
}

type Previous = NodeCounters;

const systemClock: Clock = { wall: () => Date.now(), monotonic: () => performance.now() };

/**
 * Samples a Linux node from /proc and /sys under `hostRoot`. Each `sample()` reads everything again
 * and turns counters into per-second rates against the previous call, over the real time between the
 * two; the first sample therefore has no rates. Anything unreadable is absent from the sample, never a
 * zero and never an exception.
 */
export class NodeSampler {
  private readonly root: string;
  private readonly proc: string;
  private readonly sys: string;
  private readonly clock: Clock;
  private readonly topN: number;
  private readonly topEvery: number;
  private readonly pageSize: number | undefined;
  private readonly fs: FilesystemProbe;
  private readonly physical = new Map<string, boolean>();
  private prev: Previous | undefined;
  private mounts: { text: string; selected: MountEntry[] } | undefined;
  private count = 0;
  private kernel: string | undefined;
  private os: string | undefined;

  constructor(private readonly options: NodeSamplerOptions) {
    const root = options.hostRoot ?? "/";
    this.root = root;
    this.proc = join(root, "proc");
    this.sys = join(root, "sys");
    this.clock = options.clock ?? systemClock;
    this.topN = options.topN ?? 10;
    this.topEvery = Math.max(1, options.topEvery ?? 5);
    this.pageSize = options.pageSize ?? systemPageSize();
    this.fs = new FilesystemProbe(root, options.fsCalls);
  }

  /** The readings behind the last `sample()`; undefined before the first. Replaced, never mutated, by the next. */
  get counters(): Readonly<NodeCounters> | undefined {
    return this.prev;
  }

  sample(): NodeSample {
    const at = this.clock.monotonic();
    const out: NodeSample = { node: this.options.node, ts: new Date(this.clock.wall()).toISOString() };
    const prev = this.prev;
    const intervalMs = prev ? roundRate(at - prev.at) : 0;
    // No rates without a previous sample, or if the clock did not move; every rate check tests seconds > 0.
    const seconds = prev && intervalMs > 0 ? (at - prev.at) / 1000 : 0;
    if (seconds > 0) out.intervalMs = intervalMs;
    const next: Previous = { at, psi: {} };

    const statText = readText(`${this.proc}/stat`);
    const stat = statText === undefined ? undefined : parseStat(statText);
    if (stat) next.stat = stat;
    if (stat && prev?.stat && seconds > 0) {
      const cpu = cpuUsage(prev.stat, stat);
      if (cpu) out.cpu = cpu;
    }
    const load = this.load(stat);
    if (load) out.load = load;

    const meminfo = readText(`${this.proc}/meminfo`);
    const parsedMeminfo = meminfo === undefined ? undefined : parseMeminfo(meminfo);
    if (parsedMeminfo) next.meminfo = parsedMeminfo;
    const memory = parsedMeminfo === undefined ? undefined : selectMemory(parsedMeminfo);
    if (memory) out.memory = memory;

    const vmstatText = readText(`${this.proc}/vmstat`);
    if (vmstatText !== undefined) {
      next.vmstat = parseVmstat(vmstatText);
      const rates = prev?.vmstat ? vmstatRates(prev.vmstat, next.vmstat, seconds) : undefined;
      if (rates) out.vmstat = rates;
    }

    const psi = this.psi(prev, next, seconds);
    if (psi) out.psi = psi;

    this.disks(out, prev, next, seconds);
    this.network(out, prev, next, seconds);

    const mountinfo = readText(`${this.proc}/1/mountinfo`, "utf8") ?? readText(`${this.proc}/self/mountinfo`, "utf8");
    const filesystems = mountinfo === undefined ? undefined : this.fs.sample(this.selectMounts(mountinfo));
    if (filesystems) {
      out.filesystems = filesystems;
      next.filesystems = this.fs.lastUsage;
    }

    const pids = this.count % this.topEvery === 0 ? listPids(this.proc) : undefined;
    const system = this.system(stat, pids);
    if (system) out.system = system;
    if (pids && this.topN > 0 && this.pageSize !== undefined) {
      out.topProcesses = topProcesses(this.proc, pids, this.topN, this.pageSize);
    }

    this.prev = next;
    this.count++;
    return out;
  }

  /** A Kubernetes node has hundreds of mounts that rarely change: parse them again only when they do. */
  private selectMounts(mountinfo: string): MountEntry[] {
    if (this.mounts?.text !== mountinfo) this.mounts = { text: mountinfo, selected: selectFilesystems(parseMountinfo(mountinfo)) };
    return this.mounts.selected;
  }

  private load(stat: ProcStat | undefined): LoadSample | undefined {
    const text = readText(`${this.proc}/loadavg`);
    const avg = text === undefined ? undefined : parseLoadavg(text);
    if (!avg) return undefined;
    const load: LoadSample = { ...avg };
    if (stat?.procsRunning !== undefined) load.running = stat.procsRunning;
    if (stat?.procsBlocked !== undefined) load.blocked = stat.procsBlocked;
    return load;
  }

  private psi(prev: Previous | undefined, next: Previous, seconds: number): PsiSample | undefined {
    const out: PsiSample = {};
    let any = false;
    for (const r of PSI_RESOURCES) {
      // Missing before 4.20, without CONFIG_PSI, or with psi=0 (the files then fail to read).
      const text = readText(`${this.proc}/pressure/${r}`);
      if (text === undefined) continue;
      const cur = parsePressure(text);
      next.psi[r] = cur;
      const s = pressureSample(prev?.psi[r], cur, seconds);
      if (s) {
        out[r] = s;
        any = true;
      }
    }
    return any ? out : undefined;
  }

  private disks(out: NodeSample, prev: Previous | undefined, next: Previous, seconds: number): void {
    const text = readText(`${this.proc}/diskstats`);
    if (text === undefined) return;
    let sysBlock: Set<string>;
    try {
      sysBlock = new Set(readdirSync(`${this.sys}/block`));
    } catch {
      return; // without /sys/block, partitions cannot be told from disks
    }
    next.disks = new Map();
    for (const d of parseDiskstats(text)) if (isWholeDisk(d.device, sysBlock)) next.disks.set(d.device, d);
    if (!prev?.disks || !(seconds > 0)) return;
    // dm and md devices name the disks they sit on, so the total can count each byte once.
    this.blockRelations ??= new BlockRelations(`${this.sys}/block`);
    const relations = this.blockRelations.of(next.disks.keys());
    out.disks = withRelations(diskRates(prev.disks, [...next.disks.values()], seconds), relations);
    const total = disksTotal(out.disks, relations);
    if (total) out.disksTotal = total;
  }

  private blockRelations: BlockRelations | undefined;

  private network(out: NodeSample, prev: Previous | undefined, next: Previous, seconds: number): void {
    // PID 1's view is the host's network namespace even when the collector runs in its own.
    const text = readText(`${this.proc}/1/net/dev`) ?? readText(`${this.proc}/net/dev`);
    if (text === undefined) return;
    const cur = parseNetDev(text);
    next.net = new Map(cur.map((c) => [c.iface, c]));
    if (!prev?.net || !(seconds > 0)) return;
    out.network = networkRates(prev.net, cur, seconds);
    const classNet = `${this.sys}/class/net`;
    if (!existsSync(classNet)) return;
    const isPhysical = (iface: string): boolean => {
      let p = this.physical.get(iface);
      if (p === undefined) {
        p = existsSync(`${classNet}/${iface}/device`);
        this.physical.set(iface, p);
      }
      return p;
    };
    const total = networkTotal(prev.net, cur, seconds, isPhysical);
    if (total) out.networkTotal = total;
    // Pods come and go with their veths; forget the interfaces that are gone.
    for (const iface of this.physical.keys()) if (!next.net.has(iface)) this.physical.delete(iface);
  }

  private system(stat: ProcStat | undefined, pids: string[] | undefined): SystemSample | undefined {
    const s: SystemSample = {};
    const uptime = readText(`${this.proc}/uptime`);
    const uptimeSeconds = uptime === undefined ? undefined : parseUptime(uptime);
    if (uptimeSeconds !== undefined) s.uptimeSeconds = uptimeSeconds;
    if (stat?.bootTime !== undefined) s.bootTime = new Date(stat.bootTime * 1000).toISOString();
    if (pids) s.processes = pids.length;
    // Kernel and OS only change with a reboot, which restarts the collector too: read them until found, then keep them.
    this.kernel ??= parseKernelRelease(readText(`${this.proc}/sys/kernel/osrelease`) ?? "");
    if (this.kernel) s.kernel = this.kernel;
    this.os ??= parseOsRelease(
      readText(join(this.root, "etc/os-release"), "utf8") ?? readText(join(this.root, "usr/lib/os-release"), "utf8") ?? "",
    );
    if (this.os) s.os = this.os;
    return Object.keys(s).length > 0 ? s : undefined;
  }
}
