-- Up Migration
-- The executor's action history. `actions` holds the current state of each execution (one row, updated as it
-- moves through its statuses); `action_audit` is the append-only, hash-chained log of every change to it,
-- which is what makes the history tamper-evident (libs/action-history/src/audit-chain.ts).
--
-- Typed columns exist for what is filtered or indexed; the rest of the record is jsonb. Derived columns
-- (target_key, owner_key, namespace, alertname, wrote, effectiveness_score) are computed by the library
-- from the record and re-checked by verifyAudit, so they cannot drift from it unnoticed.
CREATE TABLE actions (
  execution_id text PRIMARY KEY,
  -- The proposal id: a redelivered proposal finds the existing row instead of executing twice.
  idempotency_key text NOT NULL UNIQUE,
  proposal_id text NOT NULL,
  diagnosis_id text NOT NULL,
  incident_id text NOT NULL,
  correlation_id text NOT NULL,
  alert jsonb NOT NULL,
  alertname text NOT NULL,
  diagnosis_summary text,
  proposal jsonb NOT NULL,
  action text NOT NULL,
  target jsonb NOT NULL,
  -- resourceKey(target) / resourceKey(owner): `Kind/namespace/name`.
  target_key text NOT NULL,
  owner jsonb NOT NULL,
  owner_key text NOT NULL,
  -- The target's namespace (NULL for cluster-scoped targets such as nodes).
  namespace text,
  parameters jsonb NOT NULL,
  dry_run boolean NOT NULL,
  -- Cluster time the proposal was received: what the policy's cooldown, rate and oscillation queries use.
  received_at timestamptz NOT NULL,
  status text NOT NULL CHECK (
    status IN ('received', 'executing', 'succeeded', 'failed', 'dry_run', 'rejected', 'pending_approval', 'expired', 'reverted')
  ),
  policy jsonb,
  reason text,
  operations jsonb NOT NULL DEFAULT '[]',
  -- Whether any recorded operation was a live (not dry-run) write: a failed execution that wrote still
  -- changed the cluster, so it counts for cooldowns and blast-radius limits.
  wrote boolean NOT NULL DEFAULT false,
  state_before jsonb,
  state_after jsonb,
  details jsonb NOT NULL DEFAULT '{}',
  error jsonb,
  approval jsonb,
  transitions jsonb NOT NULL DEFAULT '[]',
  effectiveness jsonb,
  effectiveness_score double precision,
  last_message jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- GET /api/v1/actions: newest first, keyset on (created_at, execution_id), optionally filtered.
CREATE INDEX actions_created ON actions (created_at DESC, execution_id DESC);
CREATE INDEX actions_status_created ON actions (status, created_at DESC, execution_id DESC);
CREATE INDEX actions_action_created ON actions (action, created_at DESC, execution_id DESC);
CREATE INDEX actions_namespace_created ON actions (namespace, created_at DESC, execution_id DESC);
CREATE INDEX actions_incident_created ON actions (incident_id, created_at DESC, execution_id DESC);
-- The policy's history queries (cooldown, oscillation, per-incident and per-hour limits), newest first.
CREATE INDEX actions_target_received ON actions (target_key, received_at DESC);
CREATE INDEX actions_owner_received ON actions (owner_key, received_at DESC);
CREATE INDEX actions_incident_received ON actions (incident_id, received_at DESC);
CREATE INDEX actions_received ON actions (received_at DESC);
-- running(): live executions in progress; pendingApprovals(): small sets, so partial indexes.
CREATE INDEX actions_executing_live ON actions (received_at) WHERE status = 'executing' AND NOT dry_run;
CREATE INDEX actions_pending_approval ON actions (created_at) WHERE status = 'pending_approval';

-- Append-only: one event per change to an `actions` row. hash = sha256(prev_hash || canonical JSON of
-- {seq, execution_id, type, at, payload}); appends are serialized by a transaction advisory lock, so seq
-- order is commit order and the chain never forks.
CREATE TABLE action_audit (
  seq bigserial PRIMARY KEY,
  execution_id text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  at timestamptz NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
);
-- verifyAudit looks up each row's latest event.
CREATE INDEX action_audit_execution ON action_audit (execution_id, seq DESC);

-- Defence in depth: ordinary writes cannot rewrite or delete history. (The table's owner can still disable
-- the triggers; the hash chain is what detects that.)
CREATE FUNCTION action_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'action_audit is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER action_audit_no_update_delete BEFORE UPDATE OR DELETE ON action_audit
  FOR EACH ROW EXECUTE FUNCTION action_audit_append_only();
CREATE TRIGGER action_audit_no_truncate BEFORE TRUNCATE ON action_audit
  FOR EACH STATEMENT EXECUTE FUNCTION action_audit_append_only();

-- Down Migration
DROP TABLE action_audit;
DROP FUNCTION action_audit_append_only();
DROP TABLE actions;
