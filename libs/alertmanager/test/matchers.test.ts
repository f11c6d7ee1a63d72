import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  createMatcher,
  formatMatchers,
  type Matcher,
  MatcherParseError,
  matchesAll,
  parseMatcherList,
  parseMatchers,
} from "../src/index.js";

const one = (s: string): Matcher => {
  const ms = parseMatchers(s);
  assert.equal(ms.length, 1, `expected one matcher from ${s}`);
  return ms[0]!;
};
const plain = (ms: readonly Matcher[]) => ms.map(({ name, type, value }) => ({ name, type, value }));
/** Asserts a parse error whose message quotes the offending text and matches `reason`. */
const rejects = (input: string, reason: RegExp, quoted?: string): MatcherParseError => {
  let caught: unknown;
  try {
    parseMatchers(input);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof MatcherParseError, `expected MatcherParseError for ${input}, got ${String(caught)}`);
  assert.match(caught.message, reason);
  if (quoted !== undefined) assert.ok(caught.message.includes(JSON.stringify(quoted)), caught.message);
  assert.ok(caught.offset >= 0 && caught.offset <= input.length);
  return caught;
};

describe("matchers: parsing", () => {
  it("parses each operator", () => {
    assert.deepEqual(plain(parseMatchers('a="1", b!="2", c=~"3", d!~"4"')), [
      { name: "a", type: "=", value: "1" },
      { name: "b", type: "!=", value: "2" },
      { name: "c", type: "=~", value: "3" },
      { name: "d", type: "!~", value: "4" },
    ]);
  });

  it("accepts the braces form, a trailing comma and whitespace around tokens", () => {
    const want = [
      { name: "severity", type: "=~", value: "critical|warning" },
      { name: "namespace", type: "!=", value: "kube-system" },
    ];
    assert.deepEqual(plain(parseMatchers('{severity=~"critical|warning",namespace!="kube-system"}')), want);
    assert.deepEqual(plain(parseMatchers('  { severity =~ "critical|warning" , namespace != "kube-system" , }  ')), want);
    assert.deepEqual(plain(parseMatchers('severity=~"critical|warning", namespace!="kube-system",')), want);
    assert.deepEqual(parseMatchers(""), []);
    assert.deepEqual(parseMatchers(" { } "), []);
  });

  it('unescapes \\" \\\\ \\n in quoted values and keeps other backslashes', () => {
    assert.equal(one(String.raw`q="She said: \"Hi, ladies!\""`).value, 'She said: "Hi, ladies!"');
    assert.equal(one(String.raw`p="C:\\temp"`).value, "C:\\temp");
    assert.equal(one(String.raw`m="line1\nline2"`).value, "line1\nline2");
    assert.equal(one(String.raw`r=~"a\.b\d"`).value, String.raw`a\.b\d`); // regex escapes survive
    assert.equal(one('x="a,b}{=~"').value, "a,b}{=~"); // separators inside quotes are literal
    assert.equal(one('x="  padded  "').value, "  padded  ");
    assert.equal(one('u="é 漢字 😀"').value, "é 漢字 😀");
  });

  it("accepts unquoted values up to the next comma, trimmed (classic parser)", () => {
    assert.deepEqual(plain(parseMatchers("foo=bar, dings!=bums ,x=~a|b")), [
      { name: "foo", type: "=", value: "bar" },
      { name: "dings", type: "!=", value: "bums" },
      { name: "x", type: "=~", value: "a|b" },
    ]);
    assert.equal(one("{job= some job }").value, "some job");
    assert.equal(one("tricky=~~~").value, "~~");
    assert.equal(one(String.raw`trickier==\\=\=\"`).value, String.raw`=\=\="`);
    assert.equal(one("empty=").value, "");
    assert.equal(one('empty=""').value, "");
  });

  it("accepts quoted label names and colons in names", () => {
    assert.deepEqual(plain(parseMatchers('"service.name"="api", "a,b"!="x", job:rate=1')), [
      { name: "service.name", type: "=", value: "api" },
      { name: "a,b", type: "!=", value: "x" },
      { name: "job:rate", type: "=", value: "1" },
    ]);
  });

  it("parseMatcherList concatenates entries that may each be lists", () => {
    const ms = parseMatcherList(['severity=~"critical|warning"', '{namespace!="kube-system", team="sre"}', ""]);
    assert.deepEqual(ms.map(String), ['severity=~"critical|warning"', 'namespace!="kube-system"', 'team="sre"']);
    assert.throws(() => parseMatcherList(['a="b"', "oops"]), MatcherParseError);
  });
});

describe("matchers: rejecting malformed input", () => {
  it("missing operator", () => {
    rejects("severity", /missing operator .* after label name "severity"/, "severity");
    rejects('severity "critical"', /expected an operator/, 'severity "critical"');
    rejects('severity~"critical"', /expected an operator/);
    rejects('a="b", c', /missing operator/, "c");
  });

  it("unterminated or stray quotes", () => {
    rejects('job="value', /unterminated quoted value/, 'job="value');
    rejects(String.raw`job="value\"`, /unterminated quoted value/);
    rejects('job=value"', /unescaped " in unquoted value/);
    rejects('x = foo"bar', /unescaped "/);
    rejects('"foo="bar', /expected an operator .* after label name "foo="/);
    rejects('"job="x"', /expected an operator .* after label name "job="/);
  });

  it("bad regex, with the regex engine's reason", () => {
    rejects('severity=~"critical|("', /invalid regex "critical\|\(".*Unterminated group/, 'severity=~"critical|("');
    rejects('x=~"[a"', /invalid regex/);
    rejects('x=~"a**"', /invalid regex/);
    rejects('x=~"a{1001}"', /invalid repeat count/);
    // Valid in JS but not in Go's RE2, so Alertmanager would refuse them too.
    rejects('x=~"(?=a)a"', /unsupported "\(\?=a" \(no lookaround/);
    rejects(String.raw`x=~"(a)\\1"`, /invalid escape sequence/);
    rejects(String.raw`x=~"\\e"`, /invalid escape sequence/);
  });

  it("empty or invalid label names", () => {
    rejects('="x"', /missing label name/);
    rejects('!~"x"', /missing label name/);
    rejects('""="x"', /empty label name/);
    rejects('1abc="x"', /label name cannot start with "1"/);
    rejects('invalid-name="x"', /unexpected "-" in label name/, 'invalid-name="x"');
    rejects('"unterminated="x', /unescaped "|unterminated/);
  });

  it("garbage between matchers and stray separators", () => {
    rejects('a="b" c="d"', /unexpected text after the closing quote \(missing comma\?\)/, 'a="b" c="d"');
    rejects('a="b" junk', /unexpected text after the closing quote/);
    rejects('a="b",,c="d"', /empty matcher/);
    rejects(',a="b"', /empty matcher/);
    rejects('a="b"; c="d"', /unexpected text after the closing quote/);
    rejects('{a="b"},{c="d"}', /unexpected text after the closing quote|label name cannot start/);
    rejects('{a="b"', /missing closing "}"/);
    rejects('a="b"}', /unexpected "}" without opening "{"/);
  });

  it("points at the offending column", () => {
    const err = rejects('a="b", c=~"(", d="e"', /invalid matcher "c=~\\"\(\\"": /);
    assert.match(err.message, /\(column 11\)$/);
    assert.equal(err.offset, 10);
    assert.equal(err.name, "MatcherParseError");
  });
});

describe("matchers: matching", () => {
  it("= and != compare exactly", () => {
    assert.ok(one('severity="critical"').matches("critical"));
    assert.ok(!one('severity="critical"').matches("Critical"));
    assert.ok(one('severity!="critical"').matches("warning"));
    assert.ok(!one('severity!="critical"').matches("critical"));
  });

  it("regexes are fully anchored", () => {
    const m = one('severity=~"crit"');
    assert.ok(m.matches("crit"));
    assert.ok(!m.matches("critical"));
    assert.ok(!m.matches("supercrit"));
    assert.ok(!one('severity!~"crit"').matches("crit"));
    assert.ok(one('severity!~"crit"').matches("critical"));
    // Alternation is anchored as a whole: ^(?:a|ab)$, not ^a|ab$.
    assert.ok(one('x=~"a|ab"').matches("ab"));
    assert.ok(!one('x=~"a|ab"').matches("abc"));
    assert.ok(!one('x=~"^a|b$"').matches("ab"));
  });

  it("regex alternation and RE2 syntax", () => {
    const m = one('severity=~"critical|warning"');
    assert.deepEqual(
      ["critical", "warning", "info", "critical|warning"].map((v) => m.matches(v)),
      [true, true, false, false],
    );
    assert.ok(one('x=~"(?i)crit.*"').matches("CRITICAL"));
    assert.ok(one(String.raw`x=~"[[:alpha:]]+\\d"`).matches("abc1"));
    assert.ok(one(String.raw`x=~"\\p{Greek}+"`).matches("αβγ"));
    assert.ok(one(String.raw`x=~"\\Qa.b\\E"`).matches("a.b"));
    assert.ok(!one(String.raw`x=~"\\Qa.b\\E"`).matches("axb"));
    assert.ok(one('x=~"a."').matches("a\r"), "RE2 '.' matches \\r");
    assert.ok(!one('x=~"a."').matches("a\n"), "but not \\n without (?s)");
    assert.ok(one('x=~"(?s)a."').matches("a\n"));
    assert.ok(!one(String.raw`x=~"\\s"`).matches("\v"), "RE2 \\s is [\\t\\n\\f\\r ]");
    assert.ok(one('x=~"{foo}"').matches("{foo}"), "RE2 treats a non-repeat brace literally");
    assert.ok(one('x=~"(?P<sev>crit)"').matches("crit"));
  });

  it("a missing label is the empty string", () => {
    assert.ok(one('foo=""').matches(undefined));
    assert.ok(!one('severity=~"critical|warning"').matches(undefined));
    assert.ok(one('namespace!="kube-system"').matches(undefined));
    assert.ok(one('x=~".*"').matches(undefined));
    assert.ok(!one('x!~".*"').matches(undefined));
    assert.ok(!one('x=~".+"').matches(undefined));
  });

  it("matchesAll requires every matcher (AND) and accepts on an empty list", () => {
    const ms = parseMatchers('{severity=~"critical|warning", namespace!="kube-system"}');
    assert.ok(matchesAll(ms, { severity: "critical", namespace: "payments" }));
    assert.ok(matchesAll(ms, { severity: "warning" }));
    assert.ok(!matchesAll(ms, { severity: "critical", namespace: "kube-system" }));
    assert.ok(!matchesAll(ms, { severity: "info", namespace: "payments" }));
    assert.ok(!matchesAll(ms, { namespace: "payments" }));
    assert.ok(matchesAll([], {}));
    // Own labels only: "constructor" is missing here, not Object.prototype.constructor.
    assert.ok(matchesAll(parseMatchers('constructor=""'), {}));
  });
});

describe("matchers: formatting", () => {
  it("renders canonical quoted form", () => {
    const ms = parseMatchers(String.raw`{ a = b , "c.d"=~ "x\"y" ,e!="1\\2\n3"}`);
    assert.equal(formatMatchers(ms), String.raw`{a="b", "c.d"=~"x\"y", e!="1\\2\n3"}`);
    assert.equal(formatMatchers([]), "{}");
    assert.equal(String(createMatcher("!~", "path", String.raw`/api/.*\.json`)), String.raw`path!~"/api/.*\\.json"`);
  });

  it("round-trips parse(format(x)) for awkward values", () => {
    const values = ["", "plain", 'q"uote', "back\\slash", "trail\\", "new\nline", "a,b", "{}", " pad ", "é😀", String.raw`\n`, '\\"'];
    const ms = values.flatMap((v, i) => [createMatcher("=", `l${i}`, v), createMatcher("!=", "weird name", v)]);
    ms.push(createMatcher("=~", "re", String.raw`a\.b|"c"\\`));
    const again = parseMatchers(formatMatchers(ms));
    assert.deepEqual(plain(again), plain(ms));
    for (const m of ms) assert.deepEqual(plain([one(m.toString())]), plain([m]));
  });
});

// Cross-checks regex semantics against Alertmanager itself: `amtool config routes
// test` routes a label set through one route per matcher.
const AMTOOL = "/usr/bin/amtool";
describe("matchers: agree with Alertmanager's amtool", () => {
  it("on regex matching", (t) => {
    if (!existsSync(AMTOOL)) return t.skip(`${AMTOOL} not installed (Debian package prometheus-alertmanager)`);
    const regexes = [
      "crit",
      "critical|warning",
      "a.b",
      "(?s)a.b",
      String.raw`\s+`,
      String.raw`[\s-a]+`,
      "[[:punct:]]+",
      String.raw`\p{Greek}+`,
      "(?i)CRIT.*",
      "[]a]+",
      String.raw`\x41\101`,
      "(?m)^a$\\n^b",
      "..",
      "(?P<n>x)y?",
      "a{",
    ];
    const values = [
      "crit",
      "critical",
      "warning",
      "",
      "a.b",
      "a\nb",
      "a\rb",
      " \t",
      "\v",
      "- a",
      "!?",
      "αβ",
      "CRITICAL",
      "]a",
      "AA",
      "😀x",
      "a{",
      "x",
    ];
    const dir = mkdtempSync(join(tmpdir(), "vigil-amtool-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, "am.yml");
    const quote = (s: string) => `"${s.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`;
    const routes = regexes.map((r, i) => `    - {receiver: r${i}, continue: true, matchers: [${JSON.stringify(`v=~${quote(r)}`)}]}`);
    const receivers = ["x", ...regexes.map((_, i) => `r${i}`)].map((n) => `{name: ${n}}`).join(", ");
    writeFileSync(config, `route:\n  receiver: x\n  routes:\n${routes.join("\n")}\nreceivers: [${receivers}]\n`);
    const ours = regexes.map((r) => createMatcher("=~", "v", r));
    for (const v of values) {
      // The empty value is sent as a missing label: an empty label is dropped anyway.
      const arg = v === "" ? 'other="1"' : `v=${quote(v)}`;
      const out = execFileSync(AMTOOL, ["config", "routes", "test", `--config.file=${config}`, arg], { stdio: "pipe" });
      const hit = new Set(out.toString().trim().split(","));
      regexes.forEach((r, i) => assert.equal(ours[i]!.matches(v), hit.has(`r${i}`), `v=~${quote(r)} on ${JSON.stringify(v)}`));
    }
  });
});
