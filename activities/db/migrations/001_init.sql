-- Cases: the municipality's record of each case, current state and key dates.
CREATE TABLE cases (
  case_number      text PRIMARY KEY,
  municipality     text NOT NULL,
  state            text NOT NULL,
  acute            boolean NOT NULL DEFAULT false,
  referral_date    date,
  -- The referral as submitted (personal data: purged at retention).
  referral         jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Append-only audit trail of every state change and every mail sent (SPEC §6, R21).
CREATE TABLE audit_events (
  id               bigserial PRIMARY KEY,
  case_number      text NOT NULL REFERENCES cases (case_number),
  at               timestamptz NOT NULL,
  kind             text NOT NULL,
  actor            text NOT NULL,
  -- Idempotency: the same workflow event is recorded once, however often the activity runs.
  event_key        text NOT NULL UNIQUE,
  legal_basis      text,
  details          jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_case ON audit_events (case_number, at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Notification log: one row per idempotency key, so a key is never mailed twice.
CREATE TABLE notifications (
  key              text PRIMARY KEY,
  case_number      text NOT NULL,
  kind             text NOT NULL,
  recipients       text[] NOT NULL,
  subject          text NOT NULL,
  status           text NOT NULL CHECK (status IN ('sending', 'sent', 'rejected')),
  message_id       text NOT NULL,
  smtp_response    text,
  error            text,
  attempts         integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
CREATE INDEX notifications_case ON notifications (case_number);
