// The shape of one row of the acceptance table: the alert a scenario fires and what a correct diagnosis says.
import type { ActionName, DiagnosisOutcome, FindingCode, KernelEventMessage, ResourceRef } from "@vigil/contracts";
import type { KubeSim } from "@vigil/kube-sim";
import type { ScenarioAlert } from "./scenario-alerts.js";

/** A resource as expected: the name may be a pattern (pods get generated names). */
export interface ExpectedRef {
  kind: string;
  name: string | RegExp;
  namespace?: string;
  container?: string;
}

export interface ScenarioExpectation {
  scenario: string;
  /** Why this alert: which rule, and what in the scenario fires it. */
  why: string;
  /** Built after the warm-up, from the simulator's objects (pod names are generated). Throws when the symptom is not there. */
  alert(sim: KubeSim): ScenarioAlert;
  /** Kernel events ebpf-ingest would publish before the alert (pod uid, node and container id from the simulator). */
  kernelEvents?(sim: KubeSim): KernelEventMessage[];
  outcome: DiagnosisOutcome;
  target?: ExpectedRef;
  /** The incident's owner; "target" when it is the alert's own target, whose name varies from run to run (a node). */
  owner: ResourceRef | "target";
  /** The first finding; absent when the diagnosis must have no finding at all (healthy). */
  main?: { code: FindingCode; resource: ExpectedRef };
  /** Codes that must be among the findings as well. */
  alsoFinds?: FindingCode[];
  /** A finding of this code with kernel_event evidence must exist, and the top hypothesis must cite kernel evidence. */
  kernelEvidence?: FindingCode;
  /** No finding at all, not even info (the no-false-positive baseline). */
  noFindings?: boolean;
  /** What the investigator's rules engine decides on this diagnosis (with no effectiveness history). */
  proposal?: { kind: "action" | "no_action" | "escalate"; action?: ActionName };
}
