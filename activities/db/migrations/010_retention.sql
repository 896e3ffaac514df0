-- Issue 7: retention (SPEC §6). Records of cases closed (afgesloten, afgewezen, aangehaakt)
-- longer than RETENTION_PERIOD are anonymised by the retention workflow (activities/retention.ts).

-- When a case was anonymised; the retention run skips these.
ALTER TABLE cases ADD COLUMN anonymised_at timestamptz;

-- The audit trail stays append-only with one exception: the retention run (and only inside
-- its transaction, marked with `SET LOCAL casusregie.retentie = 'aan'`) may replace the
-- details of an event by {"geanonimiseerd": true}. Who did what when, and on which legal
-- basis, stays; every other column must stay the same, and rows are never deleted.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('casusregie.retentie', true) = 'aan'
     AND NEW.id = OLD.id
     AND NEW.case_number = OLD.case_number
     AND NEW.at = OLD.at
     AND NEW.kind = OLD.kind
     AND NEW.actor = OLD.actor
     AND NEW.event_key = OLD.event_key
     AND NEW.legal_basis IS NOT DISTINCT FROM OLD.legal_basis
     AND NEW.recorded_at = OLD.recorded_at
     AND NEW.details = '{"geanonimiseerd": true}'::jsonb THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE INDEX cases_retention ON cases (state, closed_at) WHERE anonymised_at IS NULL;
