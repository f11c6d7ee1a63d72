import type { TracerDefinition } from "../tracer-definition.js";
import { cgroupTracer } from "./cgroup.js";
import { oomTracer } from "./oom.js";
import { signalTracer } from "./signal.js";
import { swapTracer } from "./swap.js";

export { CgroupDecoder, cgroupTracer } from "./cgroup.js";
export { OomDecoder, oomTracer } from "./oom.js";
export { SignalDecoder, signalTracer } from "./signal.js";
export { SwapDecoder, swapTracer } from "./swap.js";

/** The tracers shipped with the library, in start order. */
export const builtinTracers: readonly TracerDefinition[] = [oomTracer, cgroupTracer, signalTracer, swapTracer];
