import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { postAlerts, startAlertmanager } from "@vigil/testing";
import { alertFingerprint } from "../src/index.js";

type Labels = Record<string, string>;

/** Straightforward reference: BigInt FNV-1a 64 over Buffer bytes, Go's byte-wise name order. */
function referenceFingerprint(labels: Labels): string {
  const pairs = Object.entries(labels)
    .filter(([, v]) => v !== "") // Alertmanager drops empty labels before hashing
    .map(([k, v]) => [Buffer.from(k), Buffer.from(v)] as const)
    .sort(([a], [b]) => Buffer.compare(a, b));
  const mask = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  const add = (byte: number) => {
    h = ((h ^ BigInt(byte)) * 0x100000001b3n) & mask;
  };
  for (const [k, v] of pairs) {
    for (const b of k) add(b);
    add(0xff);
    for (const b of v) add(b);
    add(0xff);
  }
  return h.toString(16).padStart(16, "0");
}

const typical: Labels = {
  alertname: "KubePodCrashLooping",
  severity: "critical",
  namespace: "payments",
  pod: "api-7f9c8d6b5-x2k4q",
  container: "api",
  job: "kube-state-metrics",
  instance: "10.0.3.17:8080",
  cluster: "prod-eu-west-1",
  prometheus: "monitoring/k8s",
  service: "kube-state-metrics",
};

// Fingerprints reported by a real Alertmanager 0.25.0 (GET /api/v2/alerts).
const fromAlertmanager: [Labels, string][] = [
  [typical, "8e213e0d7689701d"],
  [{ alertname: "Ünïcödé", summary: "漢字 😀 é", emoji: "🔥🔥" }, "0b23d95e4d27d973"],
  [{ alertname: "Solo" }, "678b588f14f8ffed"],
  [{ a: "1", A: "2", _: "3", a_b: "4", ab: "5", B: "6" }, "6fd738e2c6f26688"],
  [{ b: "x" }, "019d71999ffa1e47"],
  [{ a: "", b: "x" }, "019d71999ffa1e47"], // the empty label was dropped
  [{ alertname: "é✓😀", z: "\ud800" }, "7cc995aba877ca89"], // lone surrogate arrived as U+FFFD
];

const viaJson = (labels: Labels): Labels => JSON.parse(JSON.stringify(labels)) as Labels;

/** Random strings mixing ASCII, 2/3/4-byte UTF-8 and (for values) lone surrogates. */
function randomString(rand: () => number, allowLoneSurrogates: boolean): string {
  const pieces = [
    "a",
    "b",
    "Z",
    "_",
    "0",
    ":",
    " ",
    "\n",
    '"',
    "\\",
    "\u00ff",
    "é",
    "\u07ff",
    "\u0800",
    "漢",
    "\ue000",
    "\uffff",
    "😀",
    "\u{10ffff}",
  ];
  if (allowLoneSurrogates) pieces.push("\ud800", "\udfff");
  let s = "";
  for (let n = Math.floor(rand() * 8); n > 0; n--) s += pieces[Math.floor(rand() * pieces.length)];
  return s;
}

describe("alertFingerprint", () => {
  it("matches vectors captured from Alertmanager", () => {
    for (const [labels, want] of fromAlertmanager) assert.equal(alertFingerprint(labels), want, JSON.stringify(labels));
  });

  it("hashes the empty set to the FNV-1a offset basis", () => {
    assert.equal(alertFingerprint({}), "cbf29ce484222325");
    assert.equal(alertFingerprint({ only: "" }), "cbf29ce484222325");
  });

  it("matches a BigInt reference implementation", () => {
    const fixed: Labels[] = [
      typical,
      { a: "b" },
      { "": "x" },
      { x: "\u0000\u00ff\uffff" },
      { "\ue000": "1", "😀": "2" }, // UTF-16 and UTF-8 order disagree here
      { zz: "a".repeat(5000), é: "é".repeat(3000) }, // long values
    ];
    // Labels arrive through JSON.parse; that also flattens the long strings built
    // above (rope strings in the JIT feedback would skew the timing test below).
    for (const labels of fixed.map(viaJson)) assert.equal(alertFingerprint(labels), referenceFingerprint(labels), JSON.stringify(labels));

    let seed = 42;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 500; i++) {
      const labels: Labels = {};
      for (let n = Math.floor(rand() * 12); n > 0; n--) labels[randomString(rand, false)] = randomString(rand, true);
      const parsed = viaJson(labels);
      assert.equal(alertFingerprint(parsed), referenceFingerprint(parsed), JSON.stringify(labels));
    }
  });

  it("renders 16 zero-padded lowercase hex digits", () => {
    for (let i = 0; i < 200; i++) assert.match(alertFingerprint({ alertname: `A${i}` }), /^[0-9a-f]{16}$/);
  });

  it("does not depend on insertion order", () => {
    const reversed = Object.fromEntries(Object.entries(typical).reverse());
    assert.equal(alertFingerprint(reversed), alertFingerprint(typical));
    assert.equal(alertFingerprint({ b: "2", a: "1" }), alertFingerprint({ a: "1", b: "2" }));
  });

  it("differs for different label sets", () => {
    const sets: Labels[] = [
      { a: "1" },
      { a: "2" },
      { b: "1" },
      { a: "1", b: "1" },
      { a: "1b" }, // the separator keeps name/value boundaries apart...
      { a1: "b" }, // ...so shifting bytes between them changes the hash
      { ...typical, severity: "warning" },
      typical,
    ];
    const seen = new Set(sets.map(alertFingerprint));
    assert.equal(seen.size, sets.length);
  });
});

/** What Alertmanager stores: empty labels dropped, lone surrogates decoded as U+FFFD. */
function asStored(labels: Labels): Labels {
  const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  return Object.fromEntries(
    Object.entries(labels)
      .filter(([, v]) => v !== "")
      .map(([k, v]) => [k, wellFormed(v)]),
  );
}

describe("alertFingerprint against a real Alertmanager", () => {
  it("agrees with the fingerprints of /api/v2/alerts", { timeout: 30_000 }, async (t) => {
    const am = await startAlertmanager({ webhookUrl: "http://127.0.0.1:9/unused" }).catch((err: Error) => err);
    if (am instanceof Error) return t.skip(`no Alertmanager: ${am.message}`);
    t.after(() => am.stop());
    const url = am.url;

    const sets: Labels[] = [
      typical,
      { alertname: "Unicode", summary: "漢字 😀 é ÿ \uffff", combining: "e\u0301", rtl: "שלום" },
      { alertname: "Escapes", quote: 'say "hi"', backslash: "a\\b", newline: "1\n2", tab: "\t" },
      { alertname: "Order", a: "1", A: "2", _: "3", a_b: "4", ab: "5", B: "6", alertname_: "7" },
      { alertname: "EmptyDropped", empty: "", severity: "info" },
      { alertname: "LoneSurrogate", bad: "x\ud800y" },
      { alertname: "Long", description: "lorem ipsum ".repeat(200) },
    ];
    await postAlerts(
      url,
      sets.map((labels) => ({ labels })),
    );

    const stored = (await (await fetch(`${url}/api/v2/alerts`)).json()) as { fingerprint: string; labels: Labels }[];
    assert.equal(stored.length, sets.length);
    for (const labels of sets) {
      const mine = alertFingerprint(labels);
      const theirs = stored.find((a) => a.fingerprint === mine);
      assert.ok(theirs, `no alert with fingerprint ${mine} for ${JSON.stringify(labels)}; got ${JSON.stringify(stored)}`);
      assert.deepEqual(theirs.labels, asStored(labels));
    }
  });
});
