export { CriClient, CriCallError, type ConnectionState, type CriCall, type CriCallEvent, type CriClientOptions } from "./client.js";
export {
  discoverRuntime,
  parseEndpoint,
  resolveUnderRoot,
  RUNTIME_SOCKETS,
  type DiscoverOptions,
  type RuntimeEndpoint,
  type RuntimeName,
} from "./endpoint.js";
export { PodSampler, type PodSamplerOptions, type PodsSample, type PodsSampleResult, type SampleError } from "./sampler.js";
export {
  PodPressureReader,
  parsePressure,
  podCgroupDirs,
  type PodPressureReaderOptions,
  type PodPressureResult,
  type PodPsi,
  type PressureLine,
} from "./pod-pressure.js";
export { joinPods, type RuntimeLists } from "./join.js";
export { CounterRates } from "./counter-rate.js";
export { CRI_PROTO_PATH, LOADER_OPTIONS, loadCriProto, type CriProto } from "./proto.js";
export type * from "./types.js";
