// Which package may import which, by the Nx tags in each package.json ("nx": { "tags": [...] }).
//   type:service  services/*: deployable processes. Import libs, never each other.
//   type:lib      libs/*: production code. Never imports a service, the test kit or the simulator.
//   scope:contracts  libs/contracts: the message schemas every package shares; it imports nothing of ours.
//   type:testing  libs/testing: real servers for tests (dev-only). Only test files import it.
//   type:sim      libs/kube-sim: a Kubernetes API simulator. Tests and the demo run it; no production code
//                 imports it (production talks to a real API server through @vigil/kube).
//   type:acceptance  libs/acceptance: what Vigil must conclude for each simulator scenario. Only tests import it.
//   type:tooling  libs/stack, libs/demo: run all of Vigil on one machine (`npm start`, `npm run demo`), simulator
//                 included; no service or library imports them. They may import the acceptance table (the demo's
//                 alerts and expected ends).
// Nx checks the imports of each file against the tags of its project, so production files and test files
// get different constraint lists (eslint.config.mjs picks them by file glob).

/** Production code (src/ of every package). */
export const productionConstraints = [
  { sourceTag: "type:service", onlyDependOnLibsWithTags: ["type:lib"] },
  { sourceTag: "type:lib", onlyDependOnLibsWithTags: ["type:lib"] },
  // An empty list forbids every tagged project, and every project is tagged.
  { sourceTag: "scope:contracts", onlyDependOnLibsWithTags: [] },
  { sourceTag: "type:testing", onlyDependOnLibsWithTags: ["type:lib"] },
  { sourceTag: "type:sim", onlyDependOnLibsWithTags: ["scope:contracts"] },
  { sourceTag: "type:acceptance", onlyDependOnLibsWithTags: ["type:lib", "type:sim"] },
  { sourceTag: "type:tooling", onlyDependOnLibsWithTags: ["type:lib", "type:sim", "scope:contracts", "type:tooling", "type:acceptance"] },
];

/** Test files add the test kit and the simulator; a service's tests still never import another service. */
export const testConstraints = [
  { sourceTag: "type:service", onlyDependOnLibsWithTags: ["type:lib", "type:testing", "type:sim", "type:acceptance"] },
  { sourceTag: "type:lib", onlyDependOnLibsWithTags: ["type:lib", "type:testing", "type:sim", "type:acceptance"] },
  { sourceTag: "scope:contracts", onlyDependOnLibsWithTags: ["type:testing"] },
  { sourceTag: "type:testing", onlyDependOnLibsWithTags: ["type:lib"] },
  { sourceTag: "type:sim", onlyDependOnLibsWithTags: ["scope:contracts", "type:testing"] },
  { sourceTag: "type:acceptance", onlyDependOnLibsWithTags: ["type:lib", "type:sim", "type:testing"] },
  {
    sourceTag: "type:tooling",
    onlyDependOnLibsWithTags: ["type:lib", "type:sim", "scope:contracts", "type:tooling", "type:testing", "type:acceptance"],
  },
];

// @vigil/testing depends on @vigil/service (startTestService), so a test of service, bus, db or contracts that
// uses the kit closes a package-level loop through a dev-only edge. Those loops are not production cycles.
// (Pairs with "*" would also pair @vigil/testing with itself, which turns its own relative imports into violations.)
export const testingCycles = [["@vigil/testing", "tag:type:lib"]];
