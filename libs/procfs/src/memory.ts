/**
 * Parses /proc/meminfo. Values with a "kB" unit (which the kernel means as KiB) become bytes; unitless
 * ones (HugePages_Total, ...) are counts and stay as they are. Keys keep their kernel names.
 */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  // indexOf scanning instead of split/trim: this runs every second and allocates next to nothing.
  for (let pos = 0; pos < text.length;) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    const colon = text.indexOf(":", pos);
    if (colon > pos && colon < end) {
      const kb = text.endsWith(" kB", end);
      const value = Number(text.slice(colon + 1, kb ? end - 3 : end));
      if (Number.isFinite(value)) out[text.slice(pos, colon)] = kb ? value * 1024 : value;
    }
    pos = end + 1;
  }
  return out;
}

/**
 * The meminfo fields a node sample carries: what explains where memory went (page cache, anon, slab,
 * kernel), how close reclaim and commit are to their limits, and swap. A field the kernel does not
 * print (MemAvailable before 3.14, ...) is left out of the sample.
 */
export const MEMINFO_FIELDS = [
  "MemTotal",
  "MemFree",
  "MemAvailable",
  "Buffers",
  "Cached",
  "SwapCached",
  "Active(file)",
  "Inactive(file)",
  "Unevictable",
  "SwapTotal",
  "SwapFree",
  "Dirty",
  "Writeback",
  "AnonPages",
  "Mapped",
  "Shmem",
  "Slab",
  "SReclaimable",
  "SUnreclaim",
  "KernelStack",
  "PageTables",
  "CommitLimit",
  "Committed_AS",
] as const;

/** Picks MEMINFO_FIELDS out of a parsed meminfo; undefined when none of them is there. */
export function selectMemory(meminfo: Record<string, number>): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  let any = false;
  for (const key of MEMINFO_FIELDS) {
    const v = meminfo[key];
    if (v !== undefined) {
      out[key] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}
