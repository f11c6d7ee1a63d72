// The JetStream-backed lookups of a ToolContext, started together: incidents and effectiveness read from KV on
// demand; diagnoses and action history kept in memory from their streams, one window back (see DiagnosisMemory
// and ActionMemory). The investigator service and the stdio MCP entry both start them here.
import { DiagnosisMemory } from "@vigil/analysis";
import type { Bus, StreamFeedOptions } from "@vigil/bus";
import { kvBuckets, type Topic } from "@vigil/contracts";
import type { ActionHistoryLookup, DiagnosisLookup, EffectivenessHistory, IncidentLookup } from "../tool-context.js";
import { ActionMemory } from "./action-memory.js";
import { kvEffectivenessHistory } from "./effectiveness-lookup.js";
import { kvIncidentLookup } from "./incident-lookup.js";

export interface BusLookupsOptions {
  bus: Bus;
  log: StreamFeedOptions<Topic>["log"];
  /** How far back diagnoses, executions and assessments are read at start. */
  windowMs: number;
  /** Bounds of the in-memory history (defaults: 5,000 incidents, 5,000 executions). */
  maxIncidents?: number;
  maxExecutions?: number;
}

export interface BusLookups {
  incidents: IncidentLookup;
  diagnoses: DiagnosisLookup;
  actions: ActionHistoryLookup;
  effectiveness: EffectivenessHistory;
  /** True once the streams' windows have been read; else what is still loading (for readiness). */
  ready(): true | string;
  stop(): Promise<void>;
}

export async function startBusLookups(opts: BusLookupsOptions): Promise<BusLookups> {
  const [incidentsKv, effectivenessKv] = await Promise.all([opts.bus.kv(kvBuckets.incidents), opts.bus.kv(kvBuckets.effectiveness)]);
  const diagnoses = new DiagnosisMemory(opts.maxIncidents);
  const actions = new ActionMemory(opts.maxExecutions);
  diagnoses.follow(opts.bus, opts.log, opts.windowMs);
  actions.follow(opts.bus.js, opts.log, opts.windowMs);
  return {
    incidents: kvIncidentLookup(incidentsKv),
    diagnoses,
    actions,
    effectiveness: kvEffectivenessHistory(effectivenessKv),
    ready() {
      const loading = [diagnoses.loaded ? "" : "diagnoses", actions.loaded ? "" : "action history"].filter(Boolean);
      return loading.length === 0 ? true : `still reading ${loading.join(" and ")} back from JetStream`;
    },
    async stop() {
      await Promise.all([diagnoses.stop(), actions.stop()]);
    },
  };
}
