// Sorts test files into the "unit" tier (no servers, no other programs: the inner loop) and the
// "integration" tier (everything else) by reading their imports, so that no list or naming convention has to
// be kept up to date by hand.
//
// The rule: a test file is integration when it imports `node:child_process` (or testcontainers) or a
// *starter*, or imports a helper module that calls a starter at its top level. Starters are found by
// following imports:
//   - a top-level function, class or constant whose code uses `node:child_process` or testcontainers;
//   - so is one whose code uses a starter it imports or declares, and a re-export of a starter;
//   - @vigil/testing's server starters are starters by definition, since some start their servers through
//     testcontainers rather than a child process: startNats, startPostgres, freshDatabase,
//     startAlertmanager, startTestService, spawnTracked, runCommand.
// So tracers' bpfAvailability (it runs bpftrace) is a starter, and so are TracerSupervisor and the tracers
// tests' bpfSkipReason that use it. The analysis is textual (top-level declarations start at column 0, as
// the formatter leaves them) and errs towards "integration"; `run-tests.mjs --explain` prints each reason.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const LISTED = {
  "@vigil/testing": ["startNats", "startPostgres", "freshDatabase", "startAlertmanager", "startTestService", "spawnTracked", "runCommand"],
};
/** Modules that start other programs: what they export is used only to start one. */
const CHILD_PROCESS = /^((node:)?child_process|testcontainers|@testcontainers\/.+)$/;
const DECLARATION =
  /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/;

/** Value imports and re-exports of a module: `{ from, names: [{ imported, local }], star, reexport }`. */
function importsOf(text) {
  const out = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\s)([\s\S]*?)\s*from\s*["']([^"']+)["']/gm)) {
    const braces = /\{([\s\S]*)\}/.exec(m[2]);
    const names = (braces ? braces[1].split(",") : [])
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith("type "))
      .map((s) => {
        const [imported, local = imported] = s.split(/\s+as\s+/);
        return { imported, local };
      });
    const star = /^\*(\s+as\s+([\w$]+))?$/.exec(m[2].trim());
    const defaultName = !braces && !star ? m[2].trim() : undefined;
    if (defaultName) names.push({ imported: "default", local: defaultName });
    out.push({ from: m[3], names, star: star ? (star[2] ?? true) : undefined, reexport: m[1] === "export" });
  }
  for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) out.push({ from: m[1], names: [] });
  return out;
}

/** Top-level statements: each runs from a column-0 line to the next; declarations carry their name. */
function chunksOf(text) {
  const chunks = [];
  let current = { text: "" };
  for (const line of text.split("\n")) {
    if (/^[^\s})\]]/.test(line)) {
      chunks.push(current);
      const decl = DECLARATION.exec(line);
      const kind = decl?.[1];
      // A variable initialised by a call (not with a function) runs that call when the module is imported.
      const runsOnImport = !kind || (["const", "let", "var"].includes(kind) && !/=\s*(async\s*)?(\(|function\b|[\w$]+\s*=>)/.test(line));
      current = { name: decl?.[2], isType: kind === "interface" || kind === "type", runsOnImport, text: "" };
    }
    current.text += `${line}\n`;
  }
  chunks.push(current);
  return chunks.filter((c) => c.text.trim());
}

/** The first of `names` that `text` uses as an identifier (`x.spawn` is a property, not `spawn`). */
function uses(text, names) {
  if (names.size === 0) return undefined;
  const alternatives = [...names].map((n) => n.replace(/\$/g, "\\$")).join("|");
  return new RegExp(`(?<![\\w$.])(${alternatives})(?![\\w$])`).exec(text)?.[1];
}

function tsFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "node_modules" || f === "dist" ? [] : tsFiles(p);
    return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

/** Resolves `./x.js` (meaning ./x.ts) and workspace packages (their "@vigil/source" export) to files. */
function resolver(root) {
  const packages = new Map();
  for (const group of ["libs", "services"]) {
    for (const dir of existsSync(join(root, group)) ? readdirSync(join(root, group)) : []) {
      const manifest = join(root, group, dir, "package.json");
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, "utf8"));
      for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
        const source = typeof target === "object" ? target["@vigil/source"] : undefined;
        if (source) packages.set(join(pkg.name, sub), resolve(root, group, dir, source));
      }
    }
  }
  return (from, specifier) => {
    if (!specifier.startsWith(".")) return packages.get(specifier);
    const base = resolve(dirname(from), specifier);
    return [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")].find((c) => existsSync(c) && statSync(c).isFile());
  };
}

/** Analyses the sources and test helpers under `root`: the starters of each module, with the reason. */
export function analyse(root, testFiles) {
  const resolveSpecifier = resolver(root);
  const rel = (f) => f.slice(root.replace(/\/$/, "").length + 1);
  const sources = ["libs", "services"]
    .flatMap((g) => (existsSync(join(root, g)) ? readdirSync(join(root, g)).map((p) => join(root, g, p, "src")) : []))
    .flatMap(tsFiles);
  const helpers = [...new Set(testFiles.map(dirname))].flatMap(tsFiles).filter((f) => !f.endsWith(".test.ts"));
  const modules = new Map();
  for (const file of [...sources, ...helpers]) {
    const text = readFileSync(file, "utf8");
    const imports = importsOf(text).map((i) => ({ ...i, target: resolveSpecifier(file, i.from) }));
    const processNames = new Set(
      imports
        .filter((i) => CHILD_PROCESS.test(i.from))
        .flatMap((i) => [...i.names.map((n) => n.local), ...(typeof i.star === "string" ? [i.star] : [])]),
    );
    modules.set(file, { file, imports, processNames, chunks: chunksOf(text), starters: new Map() });
  }
  for (const [pkg, names] of Object.entries(LISTED)) {
    const index = resolveSpecifier(root, pkg);
    for (const n of names) modules.get(index)?.starters.set(n, `${pkg} starts a server or process`);
  }
  // Names spread along imports until nothing changes (import cycles included).
  for (let changed = true; changed;) {
    changed = false;
    for (const m of modules.values()) {
      const known = new Map([...m.processNames].map((n) => [n, "node:child_process"]));
      for (const i of m.imports) {
        const source = i.target && modules.get(i.target);
        if (!source) continue;
        for (const { imported, local } of i.names) {
          const why = source.starters.get(imported);
          if (why === undefined) continue;
          if (!i.reexport) known.set(local, `${imported} from ${rel(source.file)}`);
          else if (!m.starters.has(local)) {
            m.starters.set(local, why);
            changed = true;
          }
        }
        if (i.star !== true || !i.reexport) continue;
        for (const [n, why] of source.starters) {
          if (m.starters.has(n)) continue;
          m.starters.set(n, why);
          changed = true;
        }
      }
      for (const [n] of m.starters) known.set(n, m.starters.get(n));
      for (const c of m.chunks) {
        if (!c.name || c.isType || m.starters.has(c.name)) continue;
        const used = uses(c.text, new Set(known.keys()));
        if (!used) continue;
        m.starters.set(c.name, `${rel(m.file)}: ${c.name} uses ${used}`);
        changed = true;
      }
    }
  }
  return { modules, resolveSpecifier, rel };
}

/** Classifies each test file: `{ file, tier: "unit" | "integration", reason }`. */
export function classify(root, testFiles) {
  const { modules, resolveSpecifier, rel } = analyse(root, testFiles);
  /** Why importing this helper runs a starter at its top level, or undefined. */
  const onImport = (m, seen = new Set()) => {
    if (seen.has(m.file)) return undefined;
    seen.add(m.file);
    const known = new Set([...m.processNames, ...m.starters.keys()]);
    for (const i of m.imports) {
      const source = i.target && modules.get(i.target);
      if (source) for (const { imported, local } of i.names) if (source.starters.has(imported)) known.add(local);
    }
    const topLevel = m.chunks
      .filter((c) => c.runsOnImport && !/^\s*(import|export\s*(\{|\*)|\/\/|\/\*|\*)/.test(c.text))
      .map((c) => (c.name ? c.text.replace(/^[^=]*=/, "") : c.text)) // what runs, not the name it is stored under
      .join("");
    const used = uses(topLevel, known);
    if (used) return `${rel(m.file)} calls ${used} when imported`;
    for (const i of m.imports) {
      const nested = i.target && i.target.includes("/test/") && modules.get(i.target);
      const why = nested && onImport(nested, seen);
      if (why) return why;
    }
    return undefined;
  };
  return testFiles.map((file) => {
    let reason;
    for (const i of importsOf(readFileSync(file, "utf8"))) {
      if (CHILD_PROCESS.test(i.from)) reason = `imports ${i.from}`;
      const source = modules.get(resolveSpecifier(file, i.from));
      const starter = source && i.names.find((n) => source.starters.has(n.imported));
      if (starter) reason = `imports ${starter.imported} (${source.starters.get(starter.imported)})`;
      else if (source?.file.includes("/test/")) reason = onImport(source);
      if (reason) break;
    }
    return { file, tier: reason ? "integration" : "unit", reason };
  });
}
