// ESLint for the whole monorepo: type-aware typescript-eslint rules, module boundaries (Nx tags in each
// package.json), file-level cycles, and package.json declarations. Prettier owns layout; eslint-config-prettier
// (last) turns off every stylistic rule that would fight it. Why ESLint and not Biome: CONTRIBUTING.md.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import js from "@eslint/js";
import nx from "@nx/eslint-plugin";
import prettier from "eslint-config-prettier/flat";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";
import { productionConstraints, testConstraints, testingCycles } from "./eslint.boundaries.mjs";

const root = import.meta.dirname;
const unsafeRulesOff = Object.fromEntries(
  ["no-unsafe-argument", "no-unsafe-assignment", "no-unsafe-call", "no-unsafe-member-access", "no-unsafe-return"].map((r) => [
    `@typescript-eslint/${r}`,
    "off",
  ]),
);
const kubeSimAnyFiles = [
  "types.ts",
  "admission/defaults.ts",
  "admission/validate.ts",
  "api/list.ts",
  "api/selectors.ts",
  "api/tables/columns-batch.ts",
  "controllers/controller-revision.ts",
  "controllers/cronjob.ts",
  "controllers/daemonset-nodes.ts",
  "controllers/deployment-status.ts",
  "controllers/deployment-util.ts",
  "controllers/endpoints.ts",
  "controllers/hpa.ts",
  "controllers/job.ts",
  "controllers/pod-template.ts",
  "controllers/replicaset.ts",
  "controllers/statefulset-pods.ts",
  "controllers/volume-expansion.ts",
];
// Import a package through its exports, never its files or a relative path into it.
const packageEntryPatterns = [
  {
    group: ["@vigil/*/src", "@vigil/*/src/**", "@vigil/*/dist", "@vigil/*/dist/**"],
    message: "Import a package by its name (its exports), never its files.",
  },
  { regex: "^(\\.\\./)+(libs|services)/", message: "Import another package by its name, never by a relative path." },
];
// Test kit and test doubles (`@vigil/x/testing` entry points). Nx tags catch @vigil/testing too, but not a
// subpath of a production lib, nor code outside any package (scripts/start.ts).
const testOnlyPatterns = [
  { group: ["@vigil/testing", "@vigil/*/testing"], message: "Test-only code: production code must not import it." },
];
const packages = ["libs", "services"]
  .flatMap((group) => readdirSync(`${root}/${group}`).map((name) => `${group}/${name}`))
  .filter((dir) => existsSync(`${root}/${dir}/package.json`));

// The boundary and declaration rules read every package.json, which ESLint's cache does not know about: a
// hash of them in the settings changes the config's hash, so editing a manifest (a tag, a dependency)
// invalidates the whole cache.
const manifestsHash = createHash("sha256");
for (const dir of [".", ...packages]) manifestsHash.update(readFileSync(`${root}/${dir}/package.json`));

// Tooling outside any package, type-checked through tsconfig.tools.json (it has no tsconfig.json of its own).
const toolFiles = ["bench/**/*.ts", "deploy/**/*.ts", "scripts/**/*.ts"];

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", ".nx/**", ".vigil/**", "bench/results/**", "**/*.d.ts", "**/src/generated/**"],
  },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    plugins: { "import-x": importX, "@nx": nx },
    settings: {
      "vigil/manifests": manifestsHash.digest("hex"),
      // import-x reads imported files to follow cycles; without these it skips .ts files silently.
      "import-x/extensions": [".ts", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [
        // Resolves like tsx + the "@vigil/source" condition does: `./x.js` is `./x.ts`, `@vigil/x` is its src/.
        createNodeResolver({
          extensions: [".ts", ".js", ".mjs", ".json", ".node"],
          extensionAlias: { ".js": [".ts", ".js"] },
          conditionNames: ["@vigil/source", "types", "import", "default"],
        }),
      ],
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      // node:test's test()/describe() return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            {
              from: "package",
              package: "node:test",
              name: ["test", "it", "describe", "suite", "before", "after", "beforeEach", "afterEach"],
            },
          ],
        },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      // Handlers implement Promise-returning interfaces (consumer handlers, setup hooks) and are often
      // synchronous inside; no-floating-promises and await-thenable catch the mistakes that matter.
      "@typescript-eslint/require-await": "off",
      // `let x; readiness.add(() => x); x = await connect()`: a closure reads it before its one assignment.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "import-x/no-duplicates": ["error", { "prefer-inline": true }],
      "no-restricted-imports": ["error", { patterns: packageEntryPatterns }],
    },
  },
  // Tooling (bench/, deploy/, scripts/) is not in any package: one tsconfig covers it.
  {
    files: toolFiles,
    languageOptions: { parserOptions: { projectService: false, project: ["./tsconfig.tools.json"], tsconfigRootDir: root } },
  },
  // Plain JavaScript (this file, scripts/*.mjs): no type information.
  { files: ["**/*.mjs", "**/*.js"], ...tseslint.configs.disableTypeChecked },
  { files: ["**/*.mjs", "**/*.js"], languageOptions: { globals: { URL: "readonly", console: "readonly", process: "readonly" } } },
  // Production code: the strict boundaries, and no cycles between files.
  {
    files: ["libs/*/src/**/*.ts", "services/*/src/**/*.ts"],
    rules: {
      "@nx/enforce-module-boundaries": ["error", { depConstraints: productionConstraints, ignoredCircularDependencies: testingCycles }],
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  // Tests may also use @vigil/testing and the kube-sim simulator, never another service.
  {
    files: ["libs/*/test/**/*.ts", "services/*/test/**/*.ts"],
    rules: {
      // A test may import its own package by name, to test the public API as users see it.
      "@nx/enforce-module-boundaries": [
        "error",
        { depConstraints: testConstraints, ignoredCircularDependencies: testingCycles, allowCircularSelfDependency: true },
      ],
    },
  },
  // Starting Vigil (npm start) is production too: it must not run from the test harness.
  {
    files: ["libs/*/src/**/*.ts", "services/*/src/**/*.ts", "scripts/start.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [...packageEntryPatterns, ...testOnlyPatterns] }],
    },
  },
  // Every package declares what it imports: its own package.json, dependencies for src/, devDependencies allowed in tests.
  ...packages.map((dir) => ({
    files: [`${dir}/**/*.ts`],
    rules: {
      "import-x/no-extraneous-dependencies": [
        "error",
        { packageDir: [`${root}/${dir}`], devDependencies: [`${dir}/test/**`], optionalDependencies: false, peerDependencies: false },
      ],
    },
  })),
  // kube-sim's object model stores arbitrary Kubernetes JSON (any kind, any version): `spec` and `status` are
  // `any` in src/types.ts, and the no-unsafe-* rules would flag every read of them. The files that still write
  // `any` themselves are listed so the list can only shrink (issue 12: type them with the V1 types where cheap).
  {
    files: ["libs/kube-sim/**/*.ts"],
    rules: unsafeRulesOff,
  },
  {
    files: ["libs/kube-sim/test/**/*.ts", ...kubeSimAnyFiles.map((f) => `libs/kube-sim/src/${f}`)],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  // Tests read untyped JSON and YAML from real servers and manifests and assert on it; a wrong shape fails the
  // assertion, so the no-unsafe-* rules (and a ban on `any` for such documents) would only add casts.
  {
    files: ["libs/*/test/**/*.ts", "services/*/test/**/*.ts", "deploy/test/**/*.ts"],
    rules: { ...unsafeRulesOff, "@typescript-eslint/no-explicit-any": "off" },
  },
  // Tooling and root tests declare their packages in the root package.json.
  {
    files: toolFiles,
    rules: { "import-x/no-extraneous-dependencies": ["error", { packageDir: [root], devDependencies: true }] },
  },
  prettier,
);
