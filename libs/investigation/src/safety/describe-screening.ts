// Screening flags as sentences for a person: the reasons of the escalate decision that replaces any action.
import type { ScreeningFlag } from "./screening-rule.js";

const MAX_REASONS = 10;

/** "annotation note", "label team", "event message"... from the last steps of a flag's JSON path. */
function fieldOf(source: string): string | undefined {
  const key = String.raw`(?:\.([\w$]+)|\["((?:[^"\\]|\\.)*)"\])`;
  const annotation = new RegExp(String.raw`annotations${key}$`).exec(source);
  if (annotation) return `annotation ${annotation[1] ?? annotation[2]}`;
  const label = new RegExp(String.raw`labels${key}$`).exec(source);
  if (label) return `label ${label[1] ?? label[2]}`;
  if (/events?\w*(?:\[\d+\])?\.(?:message|note|reason)$/i.test(source)) return "event message";
  if (/\.env\[\d+\]\.value$/.test(source)) return "environment variable";
  if (/\.(?:args|command)\[\d+\]$/.test(source)) return "container argument";
  if (/(?:logs?|lines?)(?:\[\d+\])?$/i.test(source)) return "log line";
  return undefined;
}

/** One line per flag (duplicates merged, at most ten plus a count), e.g. "annotation note on Pod shop/cart-1 looks like an instruction to the model: '…'". */
export function describeScreening(flags: readonly ScreeningFlag[]): string[] {
  const lines = [
    ...new Set(
      flags.map((f) => {
        const field = fieldOf(f.source);
        const where = field
          ? `${field} ${f.object ? `on ${f.object}` : `in ${f.source}`}`
          : `${f.source}${f.object ? ` (${f.object})` : ""}`;
        return `${where} looks like an instruction to the model (${f.rule}): '${f.excerpt}'`;
      }),
    ),
  ];
  if (lines.length <= MAX_REASONS) return lines;
  return [...lines.slice(0, MAX_REASONS), `and ${lines.length - MAX_REASONS} more screening flags`];
}
