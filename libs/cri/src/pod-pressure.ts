import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { PodSample } from "@vigil/contracts";
import { CounterRates } from "./counter-rate.js";

export type PodPsi = NonNullable<PodSample["psi"]>;
type Pressure = NonNullable<PodPsi["cpu"]>;

/** One line of a pressure file: avg* in percent, total in microseconds stalled since the cgroup was created. */
export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  totalUs: bigint;
}

const RESOURCES = ["cpu", "memory", "io"] as const;
const LINE = /^(some|full) avg10=(\d+(?:\.\d+)?) avg60=(\d+(?:\.\d+)?) avg300=(\d+(?:\.\d+)?) total=(\d+)$/;
/** Missing: not a pod of this layout, or PSI compiled out. EOPNOTSUPP: PSI disabled at boot (psi=0). */
const ABSENT = new Set(["ENOENT", "ENOTDIR", "EOPNOTSUPP"]);

/** Parses a cgroup v2 (or /proc/pressure) file; undefined when it has no `some` line. */
export function parsePressure(text: string): { some: PressureLine; full?: PressureLine } | undefined {
  const lines: Partial<Record<"some" | "full", PressureLine>> = {};
  for (const line of text.split("\n")) {
    const m = LINE.exec(line.trim());
    if (m)
      lines[m[1] as "some" | "full"] = { avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), totalUs: BigInt(m[5] as string) };
  }
  return lines.some ? { some: lines.some, ...(lines.full ? { full: lines.full } : {}) } : undefined;
}

/**
 * The pod's cgroup directory candidates under the cgroup v2 root, in probe order. kubelet names them after
 * the pod UID and QoS class (which CRI does not tell): systemd driver kubepods.slice/kubepods-<qos>.slice/
 * kubepods-<qos>-pod<uid, - as _>.slice (Guaranteed pods directly: kubepods-pod<uid>.slice), cgroupfs driver
 * kubepods/<qos>/pod<uid> (Guaranteed: kubepods/pod<uid>).
 */
export function podCgroupDirs(uid: string): string[] {
  const u = uid.replaceAll("-", "_");
  return [
    `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${u}.slice`,
    `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${u}.slice`,
    `kubepods.slice/kubepods-pod${u}.slice`,
    `kubepods/burstable/pod${uid}`,
    `kubepods/besteffort/pod${uid}`,
    `kubepods/pod${uid}`,
  ];
}

export interface PodPressureReaderOptions {
  /** The cgroup v2 mount: /sys/fs/cgroup, or <hostRoot>/sys/fs/cgroup in a DaemonSet. */
  cgroupRoot: string;
  /** Monotonic nanoseconds, for totalRate. */
  clock?: () => bigint;
}

export interface PodPressureResult {
  psi?: PodPsi;
  /** A file that exists but could not be read (EACCES, EIO...); absence is not an error. */
  error?: { code: string; message: string };
}

/**
 * Reads cpu/memory/io.pressure of pod cgroups; totalRate is stalled seconds per second since the last read.
 * Synchronous on purpose: cgroupfs files are generated in memory and read in microseconds, while the async
 * fs API would cost four thread-pool round trips per file, for every pod, every sample.
 */
export class PodPressureReader {
  private readonly cgroupRoot: string;
  private readonly clock: () => bigint;
  private readonly dirs = new Map<string, string>();
  private readonly rates = new CounterRates();
  /** Pods read since the last sweep. */
  private readonly seen = new Set<string>();
  /** Which of kubepods.slice / kubepods exist, checked once per sweep: without either, no pod is probed. */
  private roots?: Set<string>;

  constructor(options: PodPressureReaderOptions) {
    this.cgroupRoot = options.cgroupRoot;
    this.clock = options.clock ?? (() => process.hrtime.bigint());
  }

  read(uid: string): PodPressureResult {
    const dir = this.podDir(uid);
    if (dir === undefined) return {};
    const psi: PodPsi = {};
    let error: PodPressureResult["error"];
    for (const resource of RESOURCES) {
      let text: string | undefined;
      try {
        text = readFileSync(join(dir, `${resource}.pressure`), "utf8");
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (!ABSENT.has(err.code ?? ""))
          error ??= { code: err.code ?? "EIO", message: `${resource}.pressure of pod ${uid}: ${err.message}` };
      }
      const parsed = text === undefined ? undefined : parsePressure(text);
      if (!parsed) continue;
      const at = this.clock();
      const some = this.withRate(`${uid}/${resource}/some`, parsed.some, at);
      psi[resource] = parsed.full ? { some, full: this.withRate(`${uid}/${resource}/full`, parsed.full, at) } : { some };
    }
    return { ...(Object.keys(psi).length > 0 ? { psi } : {}), ...(error ? { error } : {}) };
  }

  /** Forgets pods not read since the previous sweep. */
  sweep(): void {
    this.rates.sweep("");
    for (const uid of this.dirs.keys()) if (!this.seen.has(uid)) this.dirs.delete(uid);
    this.seen.clear();
    this.roots = undefined;
  }

  /** The pod's directory: cached once found (a pod's QoS class never changes), probed again when it vanishes. */
  private podDir(uid: string): string | undefined {
    this.seen.add(uid);
    const cached = this.dirs.get(uid);
    if (cached !== undefined && isDir(cached)) return cached;
    this.dirs.delete(uid);
    this.roots ??= new Set(["kubepods.slice", "kubepods"].filter((r) => isDir(join(this.cgroupRoot, r))));
    const roots = this.roots;
    if (roots.size === 0) return undefined;
    for (const rel of podCgroupDirs(uid)) {
      if (!roots.has(rel.slice(0, rel.indexOf("/")))) continue;
      const dir = join(this.cgroupRoot, rel);
      if (isDir(dir)) {
        this.dirs.set(uid, dir);
        return dir;
      }
    }
    return undefined;
  }

  private withRate(key: string, line: PressureLine, atNs: bigint): Pressure["some"] {
    const usPerS = this.rates.rate(key, line.totalUs, atNs);
    const out: Pressure["some"] = { avg10: line.avg10, avg60: line.avg60, avg300: line.avg300, totalSeconds: Number(line.totalUs) / 1e6 };
    if (usPerS !== undefined) out.totalRate = usPerS / 1e6;
    return out;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false; // ENOTDIR, EACCES: not a pod directory we can read
  }
}
