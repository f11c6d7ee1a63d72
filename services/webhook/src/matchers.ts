// Alertmanager label matchers (`pkg/labels`, classic parser of v0.25), used to
// filter incoming alerts the same way a route's `matchers:` would.
//
// Deliberate differences from the classic parser:
// - a lone "{" or "}" is an error (the classic parser silently trims it);
// - quoted label names (`"foo.bar"="x"`) are accepted, as the UTF-8 parser does;
// - `a="x\,", b="y"` splits correctly (the classic splitter mistakes the quote
//   after `\,` for an escaped one and rejects the list).

export type MatchType = "=" | "!=" | "=~" | "!~";

export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  /** `undefined` (label absent) is treated as "", as in Alertmanager. */
  matches(value: string | undefined): boolean;
  /** Canonical `name="value"` form; always re-parses to an equal matcher. */
  toString(): string;
}

/** `offset` is the 0-based index in `input` where the problem was found. */
export class MatcherParseError extends Error {
  override readonly name = "MatcherParseError";
  constructor(message: string, readonly input: string, readonly offset: number) {
    super(message);
  }
}

class LabelMatcher implements Matcher {
  readonly #re: RegExp | undefined;
  constructor(readonly type: MatchType, readonly name: string, readonly value: string) {
    this.#re = type === "=~" || type === "!~" ? compileGoRegex(value) : undefined;
  }
  matches(value: string | undefined): boolean {
    const v = value ?? "";
    const hit = this.#re ? this.#re.test(v) : v === this.value;
    return this.type === "=" || this.type === "=~" ? hit : !hit;
  }
  toString(): string {
    return `${NAME_RE.test(this.name) ? this.name : quote(this.name)}${this.type}${quote(this.value)}`;
  }
}

/** Builds a matcher directly; throws an Error if a regex value is invalid. */
export function createMatcher(type: MatchType, name: string, value: string): Matcher {
  return new LabelMatcher(type, name, value);
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/; // the classic parser also allows ':'
const NAME_PREFIX = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const OPERATORS: readonly MatchType[] = ["=~", "!~", "!=", "="]; // "=~" must win over "="

function quote(s: string): string {
  return `"${s.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`;
}

/**
 * Parses `a="b"`, `a="b", c!~"d"` or `{a="b",c!~"d",}`. Empty input (or `{}`)
 * yields no matchers, i.e. a filter that accepts every alert.
 */
export function parseMatchers(input: string): Matcher[] {
  let start = input.length - input.trimStart().length;
  let end = input.trimEnd().length;
  const open = input[start] === "{";
  if (open !== (end > start && input[end - 1] === "}")) {
    const at = open ? end : end - 1;
    const what = open ? 'missing closing "}"' : 'unexpected "}" without opening "{"';
    throw new MatcherParseError(`invalid matchers ${JSON.stringify(input)}: ${what} (column ${at + 1})`, input, at);
  }
  if (open) [start, end] = [start + 1, end - 1];
  // Split on commas outside double quotes, like the classic parser.
  const matchers: Matcher[] = [];
  let tokenStart = start;
  let inQuotes = false;
  let escaped = false;
  for (let i = start; i <= end; i++) {
    const c = i < end ? input[i] : ",";
    if (c === "," && (!inQuotes || i === end)) {
      // A trailing comma (or no input at all) leaves an empty last token: allowed.
      if (i < end || input.slice(tokenStart, i).trim() !== "") matchers.push(parseOne(input, tokenStart, i));
      tokenStart = i + 1;
    } else if (c === '"') {
      if (escaped) escaped = false;
      else inQuotes = !inQuotes;
    } else {
      escaped = c === "\\" && !escaped;
    }
  }
  return matchers;
}

/** Parses each entry (each may itself be a list) and concatenates the results. */
export function parseMatcherList(inputs: readonly string[]): Matcher[] {
  return inputs.flatMap((s) => parseMatchers(s));
}

/** True when every matcher accepts the alert's labels (an empty list accepts all). */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  for (const m of matchers) {
    // hasOwn: a label named "constructor" must not resolve to Object.prototype's.
    if (!m.matches(Object.hasOwn(labels, m.name) ? labels[m.name] : undefined)) return false;
  }
  return true;
}

export function formatMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map((m) => m.toString()).join(", ")}}`;
}

/** Parses the single matcher in input[from, to). */
function parseOne(input: string, from: number, to: number): Matcher {
  const token = input.slice(from, to);
  const fail = (reason: string, at: number): never => {
    const msg = `invalid matcher ${JSON.stringify(token.trim())}: ${reason} (column ${from + at + 1})`;
    throw new MatcherParseError(msg, input, from + at);
  };
  const skipWs = (i: number): number => i + (/^\s*/.exec(token.slice(i))?.[0].length ?? 0);
  let i = skipWs(0);
  if (i === token.length) fail("empty matcher (stray comma?)", i);

  let name: string;
  const quotedName = token[i] === '"';
  if (quotedName) {
    const q = unquote(token, i);
    if (!q) return fail("unterminated quoted label name", i);
    if (q.value === "") fail("empty label name", i);
    name = q.value;
    i = q.end;
  } else {
    NAME_PREFIX.lastIndex = i;
    const m = NAME_PREFIX.exec(token);
    if (!m) return fail(/[=!~]/.test(token[i]!) ? "missing label name before the operator" : `label name cannot start with ${JSON.stringify(token[i])}`, i);
    name = m[0];
    i += name.length;
  }

  const nameEnd = i;
  i = skipWs(i);
  const op = OPERATORS.find((o) => token.startsWith(o, i));
  if (!op) {
    const label = JSON.stringify(name);
    if (i === token.length) return fail(`missing operator (=, !=, =~, !~) after label name ${label}`, i);
    const hint = `unexpected ${JSON.stringify(token[i])} in label name; quote names outside [a-zA-Z_:][a-zA-Z0-9_:]*`;
    if (!quotedName && i === nameEnd && !/[=!~]/.test(token[i]!)) fail(hint, i);
    return fail(`expected an operator (=, !=, =~, !~) after label name ${label}`, i);
  }
  i = skipWs(i + op.length);

  const rawEnd = token.trimEnd().length;
  let value: string;
  if (token[i] === '"') {
    const q = unquote(token, i);
    if (!q) return fail("unterminated quoted value", i);
    if (q.end < rawEnd) fail("unexpected text after the closing quote (missing comma?)", q.end);
    value = q.value;
  } else {
    // Unquoted values run to the end of the token (trimmed); escapes still apply.
    const u = unescape(token, i, rawEnd, false);
    if (u.end < rawEnd) fail('unescaped " in unquoted value (quote the whole value)', u.end);
    value = u.value;
  }
  try {
    return new LabelMatcher(op, name, value);
  } catch (err) {
    return fail((err as Error).message, i);
  }
}

/** Reads the double-quoted string at s[start]; undefined if unterminated. */
function unquote(s: string, start: number): { value: string; end: number } | undefined {
  const r = unescape(s, start + 1, s.length, true);
  return s[r.end] === '"' ? { value: r.value, end: r.end + 1 } : undefined;
}

/**
 * Unescaping as in the classic parser: \" \\ \n are escapes, any other
 * backslash stays literal (so regexes like `a\.b` survive). Stops at the first
 * unescaped '"' and returns its index as `end`.
 */
function unescape(s: string, from: number, to: number, quoted: boolean): { value: string; end: number } {
  let value = "";
  let i = from;
  for (; i < to; i++) {
    const c = s[i]!;
    if (c === '"') break;
    if (c === "\\" && i + 1 < to) {
      const n = s[++i]!;
      value += n === "n" ? "\n" : n === '"' || n === "\\" ? n : c + n;
    } else if (c === "\\" && quoted) {
      return { value, end: to }; // the backslash escaped the would-be closing quote
    } else {
      value += c;
    }
  }
  return { value, end: i };
}

// --- Go RE2 -> JS RegExp ----------------------------------------------------
// Alertmanager compiles `^(?:value)$` with Go's regexp (RE2). RE2 syntax is
// rewritten to its JS equivalent in strict "u" mode, so anything unrecognised
// fails loudly instead of silently matching differently. RE2 features JS
// (Node 20) lacks (mid-pattern flags, (?U), \C) and JS features RE2 lacks
// (lookaround, backreferences) are rejected.

const JS_SYNTAX = "^$\\.*+?()[]{}|/";
const SPACE = "\\t\\n\\f\\r "; // RE2 \s is ASCII-only (no \v), unlike JS
// Set-valued escapes, written so they can be pasted inside a JS character class.
const SETS: Record<string, string> = {
  s: SPACE, S: "\\x00-\\x08\\x0b\\x0e-\\x1f!-\\u{10ffff}", d: "\\d", D: "\\D", w: "\\w", W: "\\W",
};
const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z", alpha: "A-Za-z", ascii: "\\x00-\\x7f", blank: "\\t ", cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9", graph: "!-~", lower: "a-z", print: " -~", punct: "!-\\/:-@\\[-`{-~", space: "\\t-\\r ",
  upper: "A-Z", word: "0-9A-Za-z_", xdigit: "0-9A-Fa-f",
};

function compileGoRegex(src: string): RegExp {
  try {
    const [pattern, flags] = translateRegex(src);
    return new RegExp(`^(?:${pattern})$`, flags);
  } catch (err) {
    // V8 messages look like "Invalid regular expression: /…/u: Nothing to repeat".
    throw new Error(`invalid regex ${JSON.stringify(src)}: ${(err as Error).message.replace(/^.*: /s, "")}`);
  }
}

function translateRegex(src: string): [pattern: string, flags: string] {
  const lead = /^\(\?([imsU]+)\)/.exec(src); // JS can only express flags for the whole pattern
  const leadFlags = lead?.[1] ?? "";
  if (leadFlags.includes("U")) throw new Error("the (?U) flag is not supported");
  const multiline = leadFlags.includes("m");
  const dotAll = leadFlags.includes("s");
  let i = lead?.[0].length ?? 0;
  let out = "";
  let inClass = false;
  const sticky = (re: RegExp): RegExpExecArray | null => ((re.lastIndex = i), re.exec(src));
  // Inside a class RE2 reads "-" right after a set (\d, [:alpha:]) as a literal.
  const afterSet = (): void => {
    if (inClass && src[i] === "-") [out, i] = [`${out}\\-`, i + 1];
  };
  while (i < src.length) {
    const c = src[i]!;
    let m: RegExpExecArray | null;
    if (c === "\\") {
      const [js, next, isSet] = translateEscape(src, i, inClass);
      out += js;
      i = next;
      if (isSet) afterSet();
    } else if (inClass && (m = sticky(/\[:(\^?)(\w+):\]/y))) {
      if (m[1] || !Object.hasOwn(POSIX, m[2]!)) throw new Error(`unsupported character class ${m[0]}`);
      out += POSIX[m[2]!];
      i += m[0].length;
      afterSet();
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c === "[" ? "\\[" : c;
      i++;
    } else if ((m = sticky(/\[\^?\]?/y))) {
      out += m[0].replace(/\]$/, "\\]"); // RE2 reads "]" right after "[" or "[^" literally
      i += m[0].length;
      inClass = true;
    } else if (c === "(" && src[i + 1] === "?") {
      m = sticky(/\(\?(?::|P?<(?![=!]))/y);
      if (!m) throw new Error(`unsupported ${JSON.stringify(src.slice(i, i + 4))} (no lookaround; flags only as a leading "(?i)")`);
      out += m[0].replace("P<", "<");
      i += m[0].length;
    } else if (c === "{" && (m = sticky(/\{(\d+)(?:,(\d*))?\}/y))) {
      if (Number(m[1]) > 1000 || Number(m[2] ?? 0) > 1000) throw new Error(`invalid repeat count ${m[0]}`);
      out += m[0];
      i += m[0].length;
    } else {
      if (c === ".") out += dotAll ? "." : "[^\\n]"; // RE2 "." excludes only \n; JS also \r, \u2028...
      else if (c === "{" || c === "}" || c === "]") out += `\\${c}`; // literals in RE2, errors in JS
      else if (multiline && c === "^") out += "(?<![^\\n])"; // JS "m" would also split on \r
      else if (multiline && c === "$") out += "(?![^\\n])";
      else out += c;
      i++;
    }
  }
  return [out, `u${leadFlags.includes("i") ? "i" : ""}${dotAll ? "s" : ""}`];
}

/** Translates the RE2 escape at src[i]; returns [js, nextIndex, isSet]. */
function translateEscape(src: string, i: number, inClass: boolean): [string, number, boolean] {
  const c = src[i + 1] ?? "";
  const next = i + 2;
  const at = (re: RegExp): RegExpExecArray | null => ((re.lastIndex = i), re.exec(src));
  const cp = (n: number, len: number): [string, number, boolean] => {
    if (n > 0x10ffff) throw new Error(`invalid escape ${src.slice(i, i + len)}`);
    return [`\\u{${n.toString(16)}}`, i + len, false];
  };
  let m = at(/\\(0[0-7]{0,2}|[1-7][0-7]{1,2})/y); // octal; a lone \1-\9 is an error in RE2
  if (m) return cp(parseInt(m[1]!, 8), m[0].length);
  if ((m = at(/\\x(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{2}))/y))) return cp(parseInt((m[1] ?? m[2])!, 16), m[0].length);
  if ((m = at(/\\([pP])(?:([A-Za-z])|\{(\^?)(\w+)\})/y))) {
    const name = (m[2] ?? m[4])!;
    const neg = (m[1] === "P") !== (m[3] === "^");
    // One/two-letter names are general categories (L, Nd, ...); the rest are scripts.
    const prop = name === "Any" || (name.length <= 2 && name !== "Yi") ? name : `Script=${name}`;
    return [`\\${neg ? "P" : "p"}{${prop}}`, i + m[0].length, true];
  }
  if (c === "Q" && !inClass) {
    const end = src.indexOf("\\E", next);
    const lit = src.slice(next, end < 0 ? src.length : end);
    return [[...lit].map((ch) => (JS_SYNTAX.includes(ch) ? `\\${ch}` : ch)).join(""), end < 0 ? src.length : end + 2, false];
  }
  const set = Object.hasOwn(SETS, c) ? SETS[c]! : undefined;
  if (set) return [inClass || set.length === 2 ? set : `[${set}]`, next, true];
  if (c && "fnrtv".includes(c)) return [`\\${c}`, next, false];
  if (c === "a") return ["\\x07", next, false];
  if (!inClass && (c === "b" || c === "B")) return [`\\${c}`, next, false];
  if (!inClass && (c === "A" || c === "z")) return [c === "A" ? "(?<![\\s\\S])" : "(?![\\s\\S])", next, false];
  // RE2 allows escaping any ASCII punctuation; JS "u" mode only its syntax chars.
  if (/[!-/:-@[-`{-~]/.test(c)) return [JS_SYNTAX.includes(c) || (c === "-" && inClass) ? `\\${c}` : c, next, false];
  throw new Error(c ? `invalid escape sequence ${JSON.stringify(`\\${c}`)}` : "trailing backslash");
}
