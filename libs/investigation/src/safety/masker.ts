// Reversible masking of everything that reaches a model. One Masker per investigation: the same value always
// gets the same placeholder, so the model can still tell "the same IP in two events" apart from two IPs, and
// unmask() restores the originals in what comes back (tool arguments, the final decision).
import type { MaskPattern } from "./mask-pattern.js";
import { type MaskingOptions, parseMaskingOptions } from "./masking-options.js";
import { builtinMaskPatterns } from "./patterns/index.js";
import { LOOKALIKE_PATTERN, PLACEHOLDER, placeholder } from "./placeholders.js";
import { isSensitiveKey, isTrivialValue } from "./sensitive-keys.js";

/** A run of text, either still to be scanned or already a placeholder (never scanned again). */
interface Piece {
  text: string;
  masked: boolean;
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** With the `d` flag, so a match tells where its `value` group is. */
function withIndices(p: MaskPattern): MaskPattern {
  const flags = new Set([...p.regex.flags, "g", "d"]);
  return { ...p, regex: new RegExp(p.regex.source, [...flags].join("")) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export class Masker {
  private readonly patterns: MaskPattern[];
  private readonly maskNames: boolean;
  private readonly names = new Set<string>();
  private namePattern: MaskPattern | undefined;
  private readonly placeholders = new Map<string, string>(); // original → placeholder
  private readonly originals = new Map<string, string>(); // placeholder → original

  /** Throws MaskingConfigError (naming the pattern) when an operator pattern does not validate. */
  constructor(opts: MaskingOptions = {}) {
    const parsed = parseMaskingOptions(opts);
    this.patterns = [LOOKALIKE_PATTERN, ...builtinMaskPatterns, ...parsed.patterns].map(withIndices);
    this.maskNames = parsed.maskNames;
  }

  /** How many distinct values this Masker has replaced so far. */
  get maskedCount(): number {
    return this.originals.size;
  }

  /** Resource names (pods, namespaces, nodes...) to mask as whole words; a no-op unless maskNames is on. */
  addNames(names: Iterable<string>): void {
    if (!this.maskNames) return;
    const before = this.names.size;
    for (const n of names) if (n.trim() !== "") this.names.add(n);
    if (this.names.size === before) return;
    // Longest first, so "cart-api" wins over "cart"; a name glued to more name characters is another name.
    const alternatives = [...this.names].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    this.namePattern = withIndices({
      name: "resource-name",
      why: "resource names the operator chose to hide",
      category: "NAME",
      // Kubernetes names are [a-z0-9.-]: "_" is a boundary, as in the kubelet's `<pod>_<namespace>(<uid>)`.
      regex: new RegExp(`(?<![A-Za-z0-9-])(?:${alternatives.join("|")})(?![A-Za-z0-9-])`, "g"),
    });
  }

  mask(text: string): string {
    let pieces: Piece[] = [{ text, masked: false }];
    for (const pattern of this.namePattern ? [...this.patterns, this.namePattern] : this.patterns) {
      pieces = pieces.flatMap((p) => (p.masked ? [p] : this.split(p.text, pattern)));
    }
    return pieces.map((p) => p.text).join("");
  }

  /** Deep copy with every string (and object key) masked; values under secret-holding keys are masked whole. */
  maskValue<T>(value: T): T {
    return this.walk(value, false, false, false) as T;
  }

  /** Deep copy with every placeholder this Masker issued replaced by its original; unknown ones stay as they are. */
  unmask<T>(value: T): T {
    if (typeof value === "string") return this.unmaskText(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.unmask(v)) as T;
    if (isPlainObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.unmaskText(k), this.unmask(v)])) as T;
    }
    return value;
  }

  private unmaskText(text: string): string {
    // One pass: an original that itself looks like a placeholder (a masked lookalike) is not expanded again.
    return text.replace(PLACEHOLDER, (m) => this.originals.get(m) ?? m);
  }

  private placeholderFor(value: string, category: string): string {
    let p = this.placeholders.get(value);
    if (!p) {
      p = placeholder(category, this.originals.size + 1);
      this.placeholders.set(value, p);
      this.originals.set(p, value);
    }
    return p;
  }

  /** The text cut around each match's masked part. */
  private split(text: string, pattern: MaskPattern): Piece[] {
    const out: Piece[] = [];
    let last = 0;
    for (const m of text.matchAll(pattern.regex)) {
      const groups = m.indices?.groups ?? {};
      const group = Object.keys(groups).find((g) => g.startsWith("value") && groups[g] !== undefined);
      const [start, end] = (group ? groups[group] : m.indices?.[0]) ?? [m.index, m.index + m[0].length];
      const value = text.slice(start, end);
      if (value === "" || start < last || pattern.keep?.(value)) continue;
      out.push({ text: text.slice(last, start), masked: false }, { text: this.placeholderFor(value, pattern.category), masked: true });
      last = end;
    }
    if (last === 0) return [{ text, masked: false }];
    out.push({ text: text.slice(last), masked: false });
    return out;
  }

  /**
   * `whole`: this string is a secret as a whole (under a key like password, an env var's value, a Secret's data).
   * `secretMap`: this object's values are all secrets (a Secret's data / stringData).
   * `inSecret`: inside a Secret, whose last-applied annotation repeats its data as JSON text.
   */
  private walk(v: unknown, whole: boolean, secretMap: boolean, inSecret: boolean): unknown {
    if (typeof v === "string") return whole && !isTrivialValue(v) ? this.placeholderFor(v, "SECRET") : this.mask(v);
    if (Array.isArray(v)) return v.map((x: unknown) => this.walk(x, whole, false, inSecret));
    if (!isPlainObject(v)) return v;
    const secret = inSecret || v.kind === "Secret";
    const envLike = typeof v.name === "string" && typeof v.value === "string" && isSensitiveKey(v.name);
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        const childWhole = secretMap || isSensitiveKey(k) || (envLike && k === "value") || (secret && k === LAST_APPLIED);
        const childSecretMap = v.kind === "Secret" && (k === "data" || k === "stringData");
        return [this.mask(k), this.walk(x, childWhole, childSecretMap, secret)];
      }),
    );
  }
}
