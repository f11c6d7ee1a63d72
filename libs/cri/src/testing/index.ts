// Test doubles: import from "@vigil/cri/testing", never from production code.
export { FakeRuntime, type FailureRule, type FakeMethod, type FakeRuntimeOptions } from "./fake-runtime.js";
export {
  hexId,
  makeContainer,
  makePod,
  type FakeContainer,
  type FakeContainerSpec,
  type FakeContainerState,
  type FakePod,
  type FakePodSpec,
  type FakePodUsage,
  type FakeUsage,
} from "./fake-model.js";
