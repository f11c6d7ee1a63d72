// What the demo saw of one scenario: one round per alert it sent (a first alert, and one more when the symptom
// outlived the action), each with the message every stage published for it.
import type {
  AlertMessage,
  ApprovalRequestedMessage,
  AssessmentMessage,
  DiagnosisMessage,
  ExecutionMessage,
  ProposalMessage,
} from "@vigil/contracts";
import type { RuleAlert } from "./alertmanager-payload.js";

export interface RoundRecord {
  /** The incident chain: the webhook's correlation id for this alert occurrence. */
  correlationId: string;
  alert: RuleAlert;
  /** Cluster time the rule fired. */
  firedAt: string;
  /** Wall-clock time the payload was posted (ms since the epoch): the origin of the timings shown. */
  sentAtMs: number;
  published?: AlertMessage;
  diagnosis?: DiagnosisMessage;
  proposal?: ProposalMessage;
  approval?: { request: ApprovalRequestedMessage; approvedBy: string };
  /** The execution's final record (not its pending_approval one). */
  execution?: ExecutionMessage;
  assessment?: AssessmentMessage;
  /** Cluster time the demo sent Alertmanager's resolution (the symptom was gone). */
  resolvedAt?: string;
  /** Why the round stopped before its end, when a stage did not answer in time. */
  stalled?: string;
}

export interface ScenarioRecord {
  scenario: string;
  rounds: RoundRecord[];
  /** What changed in the simulator, read back from it after the last action. */
  effect?: string;
  wallMs: number;
  /** Simulated time the scenario took after its warm-up. */
  clusterMs: number;
  /** A failure of the demo itself (the scenario could not run). */
  error?: string;
}
