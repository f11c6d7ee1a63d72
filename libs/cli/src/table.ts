// Aligned text tables: a header row, then one row per item, columns padded to the widest cell. Cells may be
// coloured (widths ignore the escapes); long cells are cut to `max` with an ellipsis so one long error message
// does not push every other column off screen.
import { type Paint, visibleLength } from "./paint.js";

export interface Column<T> {
  header: string;
  value(row: T): string;
  align?: "left" | "right";
  /** Longest cell shown (default 60). */
  max?: number;
}

function cut(text: string, max: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, " ");
  if (visibleLength(oneLine) <= max) return oneLine;
  return `${[...oneLine].slice(0, Math.max(1, max - 1)).join("")}…`;
}

function pad(text: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(text)));
  return align === "right" ? fill + text : text + fill;
}

export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], paint?: Paint): string {
  const cells = rows.map((row) => columns.map((c) => cut(c.value(row), c.max ?? 60)));
  const widths = columns.map((c, i) => Math.max(visibleLength(c.header), ...cells.map((r) => visibleLength(r[i] ?? ""))));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 && columns[i]?.align !== "right" ? v : pad(v, widths[i] ?? 0, columns[i]?.align ?? "left")))
      .join("  ")
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  return [paint ? paint.bold(header) : header, ...cells.map(line)].join("\n") + "\n";
}

/** `5s ago`, `3m ago`, `2h ago`, `4d ago`; from an ISO time. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return "-";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** 1536 → `1.5 KiB`. */
export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
