-- Retention that forgets (SPEC §6; docs/operations.md, "Bewaartermijn en crypto-shredding").

-- One data key per case (crypto-shredding). The payload codec (worker/encryption) encrypts the
-- payloads of each case workflow with its own AES-256 key; the key is stored here wrapped
-- (AES-256-GCM) by a key of the master key ring CASUS_ENCRYPTION_KEYS, whose id is kept so the
-- ring can rotate. At the end of retention the key is destroyed: `wrapped_key` and
-- `master_key_id` become NULL and `destroyed_at` is set (the row stays as a tombstone, so no new
-- key is ever made for that case), after which every copy of the case's Temporal history is
-- unreadable.
CREATE TABLE case_data_keys (
  workflow_id      text PRIMARY KEY,
  wrapped_key      bytea,
  master_key_id    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  destroyed_at     timestamptz,
  CHECK ((destroyed_at IS NULL) = (wrapped_key IS NOT NULL AND master_key_id IS NOT NULL))
);
CREATE INDEX case_data_keys_master ON case_data_keys (master_key_id) WHERE destroyed_at IS NULL;

-- When the retention last rewrote the tables (VACUUM FULL): a run rewrites them again only when a
-- case was anonymised since, also when the rewrite of an earlier run failed.
CREATE TABLE retention_scrubs (
  id               smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  scrubbed_at      timestamptz NOT NULL
);

-- The audit trail stays append-only. As before (010), only the retention run, inside its
-- transaction (`casusregie.retentie = 'aan'`), may touch an event, and only to take personal data
-- out: the details become {"geanonimiseerd": true}, and an event key that was built with personal
-- data (an e-mail address, or the hash of one, in keys from before this version) may be replaced by
-- its anonymised form. Who did what when, on which legal basis, stays; rows are never deleted.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('casusregie.retentie', true) = 'aan'
     AND NEW.id = OLD.id
     AND NEW.case_number = OLD.case_number
     AND NEW.at = OLD.at
     AND NEW.kind = OLD.kind
     AND NEW.actor = OLD.actor
     AND (NEW.event_key = OLD.event_key OR NEW.event_key = anonymised_event_key(OLD.event_key, OLD.id))
     AND NEW.legal_basis IS NOT DISTINCT FROM OLD.legal_basis
     AND NEW.recorded_at = OLD.recorded_at
     AND NEW.details = '{"geanonimiseerd": true}'::jsonb THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;

-- The anonymised form of an event key: every part (between ':') that holds an e-mail address, and
-- the address hash at the end of a share's key (`…:deling:<role>:<id>:<12 hex>`), becomes
-- `anoniem-<event id>`. Deterministic and unique (the event id is).
CREATE FUNCTION anonymised_event_key(event_key text, id bigint) RETURNS text AS $$
  SELECT regexp_replace(
           regexp_replace(event_key, '[^:]*@[^:]*', 'anoniem-' || id, 'g'),
           '(:deling:[^:]*:[^:]*:)[0-9a-f]{12}$', '\1anoniem-' || id)
$$ LANGUAGE sql IMMUTABLE;

-- The retention's anonymisation of one case's audit trail, as a function owned by the schema's
-- owner (SECURITY DEFINER): an application role that may only insert into and read the audit
-- trail can still run the retention, and only this change.
CREATE FUNCTION anonymise_case_audit(p_case_number text) RETURNS integer AS $$
DECLARE
  changed integer;
BEGIN
  PERFORM set_config('casusregie.retentie', 'aan', true);
  UPDATE audit_events
     SET details = '{"geanonimiseerd": true}'::jsonb,
         event_key = anonymised_event_key(event_key, id)
   WHERE case_number = p_case_number
     AND kind <> 'bewaartermijn-verstreken'
     AND (details <> '{"geanonimiseerd": true}'::jsonb OR event_key <> anonymised_event_key(event_key, id));
  GET DIAGNOSTICS changed = ROW_COUNT;
  PERFORM set_config('casusregie.retentie', '', true);
  RETURN changed;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp;
