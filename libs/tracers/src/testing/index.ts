// Real-kernel test helpers: import from "@vigil/tracers/testing", never from production code.
export { createOomVictim, type OomVictim, type OomVictimOptions, type ProcessExit } from "./oom.js";
export { createContainerCgroup, type FakeContainerCgroup, type FakeContainerCgroupOptions } from "./container-cgroup.js";
export { removeCgroupDir } from "./cgroup-dirs.js";
