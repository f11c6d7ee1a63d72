import { readdirSync, readFileSync } from "node:fs";
import { endianness } from "node:os";
import { readText } from "./read.js";
import type { ProcessSample } from "./types.js";

/** The numeric entries of a /proc directory: one per process (threads are not listed there). */
export function listPids(procDir: string): string[] | undefined {
  let names: string[];
  try {
    names = readdirSync(procDir);
  } catch {
    return undefined;
  }
  return names.filter((n) => {
    const c = n.charCodeAt(0);
    return c >= 48 && c <= 57;
  });
}

/** Resident pages from /proc/<pid>/statm ("size resident shared text lib data dt"). */
export function parseStatm(text: string): number | undefined {
  const start = text.indexOf(" ") + 1;
  if (start === 0) return undefined;
  const end = text.indexOf(" ", start);
  const v = Number(text.slice(start, end < 0 ? undefined : end));
  return Number.isFinite(v) ? v : undefined;
}

/**
 * The `n` processes with the largest resident set. statm is the cheapest per-process file (no thread
 * walk, unlike stat or status), yet one read per process still makes this the costliest part of a
 * sample, so comm is only read for the winners. Kernel threads (0 resident pages) and processes that
 * exit mid-scan are skipped.
 */
export function topProcesses(procDir: string, pids: readonly string[], n: number, pageSize: number): ProcessSample[] {
  const rss: Array<{ pid: string; pages: number }> = [];
  for (const pid of pids) {
    const text = readText(`${procDir}/${pid}/statm`);
    const pages = text === undefined ? undefined : parseStatm(text);
    if (pages) rss.push({ pid, pages });
  }
  rss.sort((a, b) => b.pages - a.pages);
  const out: ProcessSample[] = [];
  for (const { pid, pages } of rss) {
    if (out.length >= n) break;
    const comm = readText(`${procDir}/${pid}/comm`, "utf8");
    if (comm === undefined) continue;
    out.push({ pid: Number(pid), comm: comm.endsWith("\n") ? comm.slice(0, -1) : comm, rssBytes: pages * pageSize });
  }
  return out;
}

const AT_PAGESZ = 6;
const WORD32 = new Set(["arm", "ia32", "mips", "mipsel", "ppc", "s390"]);

/** AT_PAGESZ from an auxiliary vector: (type, value) word pairs ending with AT_NULL. */
export function parseAuxvPageSize(auxv: Buffer, wordBytes: 4 | 8, littleEndian: boolean): number | undefined {
  const word = (at: number): number =>
    wordBytes === 8
      ? Number(littleEndian ? auxv.readBigUInt64LE(at) : auxv.readBigUInt64BE(at))
      : littleEndian
        ? auxv.readUInt32LE(at)
        : auxv.readUInt32BE(at);
  for (let at = 0; at + 2 * wordBytes <= auxv.length; at += 2 * wordBytes) {
    const type = word(at);
    if (type === 0) break;
    if (type === AT_PAGESZ) return word(at + wordBytes);
  }
  return undefined;
}

/**
 * The kernel's page size (statm counts pages): 4 KiB on x86, often 16 or 64 KiB on arm64 and ppc64.
 * Node has no getpagesize(); the kernel hands it to every process in its auxiliary vector.
 */
export function systemPageSize(): number | undefined {
  try {
    return parseAuxvPageSize(readFileSync("/proc/self/auxv"), WORD32.has(process.arch) ? 4 : 8, endianness() === "LE");
  } catch {
    return undefined;
  }
}
