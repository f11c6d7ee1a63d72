-- Up Migration
-- Effectiveness (#17): the REST API's reads of assessed actions, and the log of earned-autonomy changes.

-- GET /api/v1/assessments and /api/v1/effectiveness read only assessed rows, by action time (created_at), newest
-- first: a partial index keeps those reads off the unassessed majority (dry runs waiting for approval, running
-- executions) and lets the keyset pagination walk the index.
CREATE INDEX actions_assessed_created ON actions (created_at DESC, execution_id DESC) WHERE effectiveness IS NOT NULL;

-- Every promotion of an (action, alertname, namespace class) to run without approval, and every demotion back.
-- The KV ledger holds the current state and a short history; this table is the lasting record an operator
-- audits ("why did restart_pod in prod stop asking?"). One assessed execution causes at most one change to each
-- state, so a redelivered assessment records nothing twice (UNIQUE (execution_id, to_state)).
CREATE TABLE autonomy_changes (
  id bigserial PRIMARY KEY,
  -- The published message's id and correlation id (vigil.effectiveness.autonomy).
  message_id text NOT NULL,
  correlation_id text NOT NULL,
  action text NOT NULL,
  alertname text NOT NULL,
  namespace_class text NOT NULL,
  from_state text NOT NULL CHECK (from_state IN ('approval_required', 'earned')),
  to_state text NOT NULL CHECK (to_state IN ('approval_required', 'earned')),
  reason text NOT NULL,
  -- The assessed execution that caused the change.
  execution_id text NOT NULL,
  successes integer NOT NULL CHECK (successes >= 0),
  mean_score double precision CHECK (mean_score BETWEEN 0 AND 1),
  -- Cluster time of the change.
  at timestamptz NOT NULL,
  UNIQUE (execution_id, to_state)
);
-- GET /api/v1/autonomy: the latest changes, overall or for one class.
CREATE INDEX autonomy_changes_at ON autonomy_changes (at DESC, id DESC);
CREATE INDEX autonomy_changes_class_at ON autonomy_changes (action, alertname, namespace_class, at DESC, id DESC);

-- Down Migration
DROP TABLE autonomy_changes;
DROP INDEX actions_assessed_created;
