import { closeSync, openSync, readSync } from "node:fs";

// One buffer shared by every read: reads are synchronous, so it is never used by two callers at once.
let buffer = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads a small kernel-generated file (/proc, /sys) whole, or returns undefined when it cannot be read
 * (missing, no permission, process gone, feature disabled): the caller then leaves its field absent.
 *
 * open + read until EOF + close into a reused buffer costs about half of `readFileSync`, which also
 * fstat()s (useless: procfs reports size 0) and allocates a fresh buffer per call. It matters because a
 * sample reads ~15 files plus one per process.
 */
export function readText(path: string, encoding: "latin1" | "utf8" = "latin1"): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.toString(encoding, 0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
