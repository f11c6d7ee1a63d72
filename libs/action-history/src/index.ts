// @vigil/action-history: the executor's action history in PostgreSQL, tamper-evident.
export * from "./action-record.js";
export { ActionHistory, UnknownExecutionError, type ActionHistoryOptions } from "./action-history.js";
export type { HistoryQuery, PastExecution, PolicyHistory } from "./policy-history.js";
export { InvalidCursorError } from "./list-cursor.js";
export {
  effectivenessSummary,
  listAssessments,
  type AssessmentListFilter,
  type EffectivenessFilter,
  type EffectivenessSummaryFilter,
} from "./effectiveness-queries.js";
export { AutonomyChanges, type AutonomyChangeFilter } from "./autonomy-changes.js";
export { ACTION_HISTORY_MIGRATIONS, ACTION_HISTORY_MIGRATIONS_TABLE } from "./migrations.js";
export { canonicalJson } from "./canonical-json.js";
export {
  auditEventTypes,
  entryHash,
  GENESIS_HASH,
  type AuditEntry,
  type AuditEventType,
  type AuditPayload,
  type ChangedPayload,
  type CreatedPayload,
} from "./audit-chain.js";
export { AUDIT_CHAIN_LOCK } from "./audit-append.js";
export { initialRecord, stateHash, wroteToCluster } from "./record-state.js";
export {
  AUDIT_EXPORT_FORMAT,
  AuditChainVerifier,
  verifyAuditExport,
  type AuditExport,
  type AuditVerification,
  type VerifyOptions,
} from "./audit-verify.js";
export { auditEntryPages, auditExportJson, exportAudit, type ExportOptions } from "./audit-export.js";
export { verifyAudit, type VerifyAuditOptions } from "./verify-audit-db.js";
