// How block devices stack: a device-mapper device (LVM, dm-crypt, multipath) or an md RAID array is a whole device
// in /sys/block beside the disks it sits on, and its I/O reaches them too. Without the relation, summing the
// devices counts every byte once per layer.
import { readdirSync } from "node:fs";
import { roundRate } from "./rates.js";
import { readText } from "./read.js";
import type { DiskSample, DisksTotalSample } from "./types.js";

export interface BlockRelation {
  /** The devices this one is built on (/sys/block/<dev>/slaves): often partitions, e.g. ["sda2"]. */
  slaves: string[];
  /** The device-mapper name (/sys/block/dm-N/dm/name), e.g. "vg0-root"; LVM's "vg-lv" form. */
  dmName?: string;
}

/** sysfs writes "/" in device names as "!" (cciss/c0d0 is /sys/block/cciss!c0d0). */
const fromSysfs = (name: string): string => name.replaceAll("!", "/");

/** Reads the relation of one whole device; a device with no slaves directory simply has no backing devices. */
export function readBlockRelation(sysBlock: string, device: string): BlockRelation {
  const dir = `${sysBlock}/${device.replaceAll("/", "!")}`;
  let slaves: string[] = [];
  try {
    slaves = readdirSync(`${dir}/slaves`).map(fromSysfs).sort();
  } catch {
    // no slaves directory (old kernels, some virtual devices): nothing below
  }
  const out: BlockRelation = { slaves };
  const dmName = device.startsWith("dm-") ? readText(`${dir}/dm/name`, "utf8")?.trim() : undefined;
  if (dmName) out.dmName = dmName;
  return out;
}

/**
 * Relations of the given devices, read again only when the set of devices changes: stacks are built when a
 * device appears (LVM activation, md assembly, a dm-crypt open), not while it lives.
 */
export class BlockRelations {
  private key = "";
  private relations = new Map<string, BlockRelation>();

  constructor(private readonly sysBlock: string) {}

  of(devices: Iterable<string>): ReadonlyMap<string, BlockRelation> {
    const names = [...devices].sort();
    const key = names.join(" ");
    if (key !== this.key) {
      this.relations = new Map(names.map((d) => [d, readBlockRelation(this.sysBlock, d)]));
      this.key = key;
    }
    return this.relations;
  }
}

/** Adds `slaves` (when there are any) and `dmName` to each disk sample. */
export function withRelations(disks: DiskSample[], relations: ReadonlyMap<string, BlockRelation>): DiskSample[] {
  for (const d of disks) {
    const r = relations.get(d.device);
    if (!r) continue;
    if (r.slaves.length > 0) d.slaves = r.slaves;
    if (r.dmName) d.dmName = r.dmName;
  }
  return disks;
}

/**
 * The node's disk I/O with each byte counted once: the sum over the bottom of every stack, the devices with no
 * backing devices (the physical disks, and dm/md devices built on nothing). I/O through dm or md is counted
 * where it lands; a disk whose partitions carry both a plain filesystem and an LVM volume is counted once, which
 * summing the top of the stacks could not do. RAID mirroring shows as the physical writes it causes (a RAID1
 * write counts on each mirror), because that is the I/O the disks do. Undefined when no such device has a rate.
 */
export function disksTotal(disks: readonly DiskSample[], relations: ReadonlyMap<string, BlockRelation>): DisksTotalSample | undefined {
  const total: DisksTotalSample = {};
  const keys = ["readBytesRate", "writeBytesRate", "readOpsRate", "writeOpsRate"] as const;
  let any = false;
  for (const d of disks) {
    if ((relations.get(d.device)?.slaves.length ?? 0) > 0) continue;
    for (const k of keys) {
      const v = d[k];
      if (v === undefined) continue;
      total[k] = (total[k] ?? 0) + v;
      any = true;
    }
  }
  if (!any) return undefined;
  // Summing values rounded to 3 decimals leaves float noise (0.1 + 0.2); round the sum the same way.
  for (const k of keys) if (total[k] !== undefined) total[k] = roundRate(total[k]);
  return total;
}
