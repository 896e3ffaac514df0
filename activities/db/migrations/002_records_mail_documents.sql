-- Issue 5: the case fields the workflow records, the documents of a case, and the
-- notification log's exactly-once states. Additive only: 001 is applied in existing data.

-- Case fields (CaseRecordEvent.fields). Dates travel as ISO strings; timestamptz takes both
-- "2027-03-01" and a full timestamp.
ALTER TABLE cases
  ADD COLUMN accepted_at      timestamptz,
  ADD COLUMN limit_date       timestamptz,
  ADD COLUMN ave_phase        smallint CHECK (ave_phase BETWEEN 1 AND 4),
  ADD COLUMN escalation_level text,
  ADD COLUMN next_uvo_due     timestamptz,
  ADD COLUMN overdue          boolean NOT NULL DEFAULT false,
  ADD COLUMN closed_at        timestamptz,
  ADD COLUMN close_kind       text;

CREATE INDEX audit_events_kind ON audit_events (kind);

-- Documents kept with the case: the parents' letter (PDF, R5) and the forms (afschaal- and
-- afsluitformulier, as JSON). One row per idempotency key, so a retried activity stores once.
CREATE TABLE documents (
  id               bigserial PRIMARY KEY,
  case_number      text NOT NULL REFERENCES cases (case_number),
  doc_key          text NOT NULL UNIQUE,
  kind             text NOT NULL,
  filename         text NOT NULL,
  content_type     text NOT NULL,
  content          bytea,
  data             jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (content IS NOT NULL OR data IS NOT NULL)
);
CREATE INDEX documents_case ON documents (case_number, kind);

-- Notification log: the states of "e-mail exactly once" (docs/architecture.md).
--   pending    known not delivered (transient failure before the server accepted): may be sent
--   sending    claimed by one attempt (claim_token) until claimed_at + lease
--   sent       the server accepted the message (250)
--   rejected   the server refused it permanently (5xx)
--   uncertain  an attempt died or lost its connection after the message data started: never re-sent
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications
  ADD CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'sending', 'sent', 'rejected', 'uncertain')),
  -- claimed: before the SMTP DATA phase; transmitting: the message data has started to flow.
  ADD COLUMN phase            text CHECK (phase IN ('claimed', 'transmitting')),
  ADD COLUMN claim_token      text,
  ADD COLUMN claimed_at       timestamptz,
  ADD COLUMN accepted         text[],
  ADD COLUMN rejected         text[],
  ADD COLUMN server_message_id text,
  ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now();
-- Rows left `sending` by the code before this migration have no phase: they count as uncertain.
UPDATE notifications SET claimed_at = created_at WHERE claimed_at IS NULL;
