export { TracerSupervisor, PROGRAMS_DIR, type TracerSupervisorOptions } from "./supervisor.js";
export { type TracerState, type TracerStatus } from "./tracer-runner.js";
export { bpfAvailability, type AvailabilityOptions, type BpfAvailability } from "./availability.js";
export { ensureTracefs, type TracefsStatus } from "./tracefs.js";
export { CgroupOomPoller, discoverMemoryRoots, parseOomKills, type CgroupOomPollerOptions } from "./cgroup-oom-poller.js";
export type { EventSource, KernelEventSink, PreparedTracer, ProgramVariant, TracerDecoder, TracerDefinition } from "./tracer-definition.js";
export type { ProbeRequirement } from "./probes.js";
export {
  builtinTracers,
  cgroupTracer,
  oomTracer,
  signalTracer,
  swapTracer,
  CgroupDecoder,
  OomDecoder,
  SignalDecoder,
  SwapDecoder,
} from "./tracers/index.js";
export { parseBpftraceLine, parseRecord, type BpftraceMessage, type BpftraceRecord, type HistBucket } from "./bpftrace-output.js";
export { listCgroupHierarchies, memoryHierarchy, type CgroupHierarchy } from "./cgroup-fs.js";
export { monotonicNsToIso } from "./clock.js";
