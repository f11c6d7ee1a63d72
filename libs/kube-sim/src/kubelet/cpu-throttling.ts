// CFS bandwidth control, as the kernel applies a container's CPU limit (cpu.cfs_quota_us per cpu.cfs_period_us of
// 100 ms): a container that demands more than its limit gets only the limit, so its usage is pinned there, every
// period it runs in ends throttled, and its work (requests, probes) takes demand/limit times as long.
import type { V1Probe } from "@kubernetes/client-node";
import type { ContainerBehaviour } from "../behaviour/vocabulary.js";
import { cpuMillis } from "../quantity.js";
import type { Container } from "../types.js";

/** The kernel's default CFS period (cpu.cfs_period_us = 100000), which the kubelet does not change by default. */
export const CFS_PERIOD_SECONDS = 0.1;

export const cpuLimitMillis = (c: Container): number | undefined => {
  const l = c.resources?.limits?.cpu;
  return l === undefined ? undefined : cpuMillis(l);
};

/** What the container really gets: its demand, capped at its CPU limit. */
export const cpuWithinLimit = (c: Container, demandMillis: number): number => {
  const limit = cpuLimitMillis(c);
  return limit === undefined ? demandMillis : Math.min(demandMillis, limit);
};

/** How long the app takes to answer, stretched by the share of its demand the quota withholds. */
export const responseMillis = (c: Container, b: ContainerBehaviour): number => {
  const limit = cpuLimitMillis(c);
  const stretch = limit === undefined || limit <= 0 ? 1 : Math.max(1, b.cpuDemandMillis / limit);
  return b.responseMs * stretch;
};

/** A probe times out when the app answers slower than its timeoutSeconds (default 1 s). */
export const probeTimesOut = (c: Container, probe: V1Probe, b: ContainerBehaviour): boolean =>
  !probe.exec && responseMillis(c, b) >= (probe.timeoutSeconds || 1) * 1000;

export interface CfsCounters {
  periods: number;
  throttledPeriods: number;
  throttledSeconds: number;
}

/** cpu.stat counters after `seconds` of running with this demand under the container's limit (none without a limit). */
export const cfsCounters = (c: Container, demandMillis: number, seconds: number): CfsCounters | undefined => {
  const limit = cpuLimitMillis(c);
  if (limit === undefined) return undefined;
  const periods = Math.floor(seconds / CFS_PERIOD_SECONDS);
  const over = Math.max(0, demandMillis - limit);
  return { periods, throttledPeriods: over > 0 ? periods : 0, throttledSeconds: (over / 1000) * seconds };
};
