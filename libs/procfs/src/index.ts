export { NodeSampler, type Clock, type NodeCounters, type NodeSamplerOptions } from "./sampler.js";
export type * from "./types.js";
export { cpuUsage, parseStat, type CpuTimes, type ProcStat } from "./cpu.js";
export { parseLoadavg, type LoadAvg } from "./load.js";
export { MEMINFO_FIELDS, parseMeminfo, selectMemory } from "./memory.js";
export { parseVmstat, VMSTAT_RATES, vmstatRates } from "./vmstat.js";
export { parsePressure, pressureSample, psiValues, type Pressure, type PsiLine, type PsiValues } from "./pressure.js";
export { diskRates, isWholeDisk, parseDiskstats, type DiskCounters } from "./disks.js";
export { type BlockRelation, BlockRelations, disksTotal, readBlockRelation, withRelations } from "./block-relations.js";
export { networkRates, networkTotal, parseNetDev, type NetCounters } from "./network.js";
export { LOCAL_FSTYPES, makedev, NETWORK_FSTYPES, parseMountinfo, selectFilesystems, type MountEntry } from "./mounts.js";
export { FilesystemProbe, nodeFsCalls, type FsCalls, type FsUsage } from "./filesystems.js";
export { listPids, parseAuxvPageSize, parseStatm, systemPageSize, topProcesses } from "./processes.js";
export { parseKernelRelease, parseOsRelease, parseUptime } from "./system.js";
export { counterRate } from "./rates.js";
export { readText } from "./read.js";
export {
  cgroupAncestors,
  normalizeCgroupPath,
  parseCgroupPath,
  type CgroupLevel,
  type ContainerRuntime,
  type ParsedCgroup,
  type QosClass,
} from "./cgroup-path.js";
export { containerOfCgroup, podUidOfCgroup, type ContainerCgroup } from "./container-cgroup.js";
export {
  memoryCgroupFromProc,
  memoryCgroupOfPid,
  parseProcCgroup,
  pickCgroupPath,
  readProcCgroup,
  type ProcCgroupLine,
} from "./proc-cgroup.js";
