// `@vigil/contracts/testing`: one valid sample of every topic and KV bucket, and the variants of the
// pipeline messages, for the tests of any package (contracts' own, the bus's JetStream round trip).
export { kvSamples, samples } from "./samples.js";
export * from "./pipeline-samples.js";
