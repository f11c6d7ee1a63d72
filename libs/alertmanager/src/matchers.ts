// Alertmanager label matchers (`pkg/labels`, classic parser of v0.25), used to
// filter incoming alerts the same way a route's `matchers:` would.
//
// Deliberate differences from the classic parser:
// - a lone "{" or "}" is an error (the classic parser silently trims it);
// - quoted label names (`"foo.bar"="x"`) are accepted, as the UTF-8 parser does;
// - `a="x\,", b="y"` splits correctly (the classic splitter mistakes the quote
//   after `\,` for an escaped one and rejects the list).

import { InvalidInputError, registerErrorClass } from "@vigil/errors";
import { compileGoRegex } from "./re2-regex.js";

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
export class MatcherParseError extends InvalidInputError {
  constructor(
    message: string,
    readonly input: string,
    readonly offset: number,
  ) {
    super(message, { details: { input, offset } });
  }
}
registerErrorClass(MatcherParseError, "MatcherParseError");

class LabelMatcher implements Matcher {
  readonly #re: RegExp | undefined;
  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
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

/** Builds a matcher directly; throws an InvalidInputError if a regex value is invalid. */
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
    if (!m)
      return fail(
        /[=!~]/.test(token[i]!) ? "missing label name before the operator" : `label name cannot start with ${JSON.stringify(token[i])}`,
        i,
      );
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
