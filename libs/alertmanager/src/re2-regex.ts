// Go RE2 -> JS RegExp, for Alertmanager's regex matchers.
// Alertmanager compiles `^(?:value)$` with Go's regexp (RE2). RE2 syntax is
// rewritten to its JS equivalent in strict "u" mode, so anything unrecognised
// fails loudly instead of silently matching differently. RE2 features JS
// (Node 20) lacks (mid-pattern flags, (?U), \C) and JS features RE2 lacks
// (lookaround, backreferences) are rejected. The re2js package would give RE2's exact
// semantics (including linear-time matching) instead of this translation; test/matchers.test.ts
// cross-checks this translation against amtool itself.

import { InvalidInputError } from "@vigil/errors";

const JS_SYNTAX = "^$\\.*+?()[]{}|/";
const SPACE = "\\t\\n\\f\\r "; // RE2 \s is ASCII-only (no \v), unlike JS
// Set-valued escapes, written so they can be pasted inside a JS character class.
const SETS: Record<string, string> = {
  s: SPACE,
  S: "\\x00-\\x08\\x0b\\x0e-\\x1f!-\\u{10ffff}",
  d: "\\d",
  D: "\\D",
  w: "\\w",
  W: "\\W",
};
const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t-\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** Compiles `value` as Alertmanager does (`^(?:value)$`, RE2 syntax); throws an Error naming the problem. */
export function compileGoRegex(src: string): RegExp {
  try {
    const [pattern, flags] = translateRegex(src);
    return new RegExp(`^(?:${pattern})$`, flags);
  } catch (err) {
    // V8 messages look like "Invalid regular expression: /…/u: Nothing to repeat".
    const reason = (err as Error).message.replace(/^.*: /s, "");
    throw new InvalidInputError(`invalid regex ${JSON.stringify(src)}: ${reason}`, { cause: err });
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
      if (c === ".")
        out += dotAll ? "." : "[^\\n]"; // RE2 "." excludes only \n; JS also \r, \u2028...
      else if (c === "{" || c === "}" || c === "]")
        out += `\\${c}`; // literals in RE2, errors in JS
      else if (multiline && c === "^")
        out += "(?<![^\\n])"; // JS "m" would also split on \r
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
