import type { ServerResponse } from "node:http";

/**
 * Writes the stored JSON texts as one array in ~64 KB chunks: a full window (900 samples, ~2.5 MB) never
 * becomes one big string, plus its Buffer copy, plus an ETag hash over it, as res.send would make.
 */
export function writeJsonArray(res: ServerResponse, items: ReadonlyArray<{ value: string }>, chunkBytes = 64 * 1024): void {
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  let chunk = "[";
  items.forEach((e, i) => {
    chunk += i === 0 ? e.value : `,${e.value}`;
    if (chunk.length >= chunkBytes) {
      res.write(chunk);
      chunk = "";
    }
  });
  res.end(`${chunk}]`);
}
