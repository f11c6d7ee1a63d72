-- Up Migration
-- Idempotency records for SQL side effects (onceInTransaction): a row commits in the same transaction as
-- the effect it guards, so "done" and "recorded as done" cannot disagree.
CREATE TABLE vigil_processed_messages (
  scope text NOT NULL,
  key text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
-- pruneProcessedMessages deletes by age.
CREATE INDEX vigil_processed_messages_processed_at ON vigil_processed_messages (processed_at);

-- Down Migration
DROP TABLE vigil_processed_messages;
