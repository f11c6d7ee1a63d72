// Screening: does any text from the cluster read as an instruction to the model? Text is normalised first
// (Unicode compatibility forms, zero-width characters removed, runs of blanks collapsed) so spacing tricks and
// look-alike letters do not slip past the rules, and base64 blobs are decoded and screened too.
import { Masker } from "./masker.js";
import type { ScreeningFlag } from "./screening-rule.js";
import { screeningRules } from "./screening-rules.js";

const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/g;
const BASE64_BLOB = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/=_-])/g;
/** Enough for any instruction; bounds the work on a megabyte of base64 in a Secret. */
const MAX_BLOBS = 50;
const MAX_BLOB_CHARS = 64 * 1024;
const EXCERPT_CONTEXT = 30;
const EXCERPT_MATCH = 80;

export function normalizeForScreening(text: string): string {
  return text
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(/[ \t\u00A0\u3000]+/g, " ");
}

/**
 * The match with a little context, on one line. Secrets in it are masked (by a Masker of its own): the excerpt
 * ends up in escalate reasons, logs and the published proposal, which must not carry a password either.
 */
function excerptOf(text: string, index: number, length: number): string {
  const start = Math.max(0, index - EXCERPT_CONTEXT);
  const end = Math.min(text.length, index + Math.min(length, EXCERPT_MATCH) + EXCERPT_CONTEXT);
  const body = new Masker()
    .mask(text.slice(start, end))
    .replace(/\\n|\s+/g, " ")
    .trim();
  return `${start > 0 ? "…" : ""}${body}${end < text.length ? "…" : ""}`;
}

/** Readable text behind a base64 blob, or undefined when it decodes to binary (most blobs: hashes, keys, images). */
function decodedText(blob: string): string | undefined {
  const text = Buffer.from(blob.slice(0, MAX_BLOB_CHARS), blob.includes("-") || blob.includes("_") ? "base64url" : "base64").toString(
    "utf8",
  );
  const printable = text.replace(/[^\x20-\x7E\n\r\t\u00A0-\uFFFC]/g, "").length;
  return text.length > 0 && printable / text.length > 0.95 ? text : undefined;
}

function ruleFlags(text: string, source: string): ScreeningFlag[] {
  const flags: ScreeningFlag[] = [];
  for (const r of screeningRules) {
    const m = r.pattern.exec(text);
    if (m) flags.push({ source, rule: r.name, excerpt: excerptOf(text, m.index, m[0].length) });
  }
  return flags;
}

/** Flags for every rule the text matches (one per rule), with `source` naming where it came from. */
export function screenText(text: string, source: string): ScreeningFlag[] {
  const normalized = normalizeForScreening(text);
  const flags = ruleFlags(normalized, source);
  let blobs = 0;
  for (const m of normalized.matchAll(BASE64_BLOB)) {
    if (++blobs > MAX_BLOBS) break;
    const decoded = decodedText(m[0]);
    if (decoded === undefined) continue;
    for (const inner of ruleFlags(normalizeForScreening(decoded), source)) {
      flags.push({ source, rule: "encoded-instruction", excerpt: `base64 of: ${inner.excerpt} (${inner.rule})` });
    }
  }
  return flags;
}

/** "Pod shop/cart-1" for a Kubernetes object (or a {kind, namespace, name} reference), else undefined. */
function objectName(v: Record<string, unknown>): string | undefined {
  if (typeof v.kind !== "string") return undefined;
  const meta = typeof v.metadata === "object" && v.metadata !== null ? (v.metadata as Record<string, unknown>) : v;
  if (typeof meta.name !== "string") return undefined;
  return `${v.kind} ${typeof meta.namespace === "string" && meta.namespace !== "" ? `${meta.namespace}/` : ""}${meta.name}`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Screens every string (and object key) inside a JSON value; each flag's source is `source` plus the JSON path. */
export function screenValue(value: unknown, source: string): ScreeningFlag[] {
  const flags: ScreeningFlag[] = [];
  const walk = (v: unknown, path: string, object: string | undefined): void => {
    const add = (found: ScreeningFlag[]) => flags.push(...found.map((f) => (object ? { ...f, object } : f)));
    if (typeof v === "string") add(screenText(v, path));
    else if (Array.isArray(v)) v.forEach((x: unknown, i) => walk(x, `${path}[${i}]`, object));
    else if (typeof v === "object" && v !== null) {
      const rec = v as Record<string, unknown>;
      const here = objectName(rec) ?? object;
      for (const [k, x] of Object.entries(rec)) {
        const child = IDENTIFIER.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
        add(screenText(k, child));
        walk(x, child, here);
      }
    }
  };
  walk(value, source, undefined);
  return flags;
}
