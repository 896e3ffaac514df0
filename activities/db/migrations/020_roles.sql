-- Roles (docs/operations.md, "Rollen in de database"). Migrations run as the owner of the
-- tables (DATABASE_OWNER_URL, or DATABASE_URL when that is the owner). The application connects
-- as a member of `casusregie_app`: it may add to and read the audit trail, never change, empty
-- or unprotect it (not the owner, so no ALTER TABLE … DISABLE TRIGGER either).

-- Roles belong to the whole PostgreSQL cluster: created once, shared by every database of the
-- cluster (a concurrent migration of another database may create it at the same moment).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'casusregie_app') THEN
    BEGIN
      CREATE ROLE casusregie_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
END;
$$;

DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO casusregie_app', current_schema());
END;
$$;

-- The audit trail: add and read only.
REVOKE ALL ON audit_events FROM PUBLIC;
REVOKE ALL ON audit_events FROM casusregie_app;
GRANT SELECT, INSERT ON audit_events TO casusregie_app;
GRANT USAGE ON SEQUENCE audit_events_id_seq TO casusregie_app;

-- The working records: what the activities do with them.
GRANT SELECT, INSERT, UPDATE ON cases TO casusregie_app;
GRANT SELECT, INSERT, UPDATE ON notifications TO casusregie_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON documents TO casusregie_app;
GRANT USAGE ON SEQUENCE documents_id_seq TO casusregie_app;
GRANT SELECT ON schema_migrations TO casusregie_app;

-- Tables and sequences later migrations create (as this owner) are the app's to work with;
-- a later table that must be append-only revokes what it should not have, as above.
DO $$
BEGIN
  EXECUTE format(
    'ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO casusregie_app',
    current_schema());
  EXECUTE format(
    'ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO casusregie_app',
    current_schema());
END;
$$;

-- Emptying the audit trail is refused even for the owner (a statement trigger; row triggers do
-- not fire on TRUNCATE). Only the owner could disable it, and the app is not the owner.
CREATE FUNCTION audit_events_no_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();

-- Functions later migrations create (as this owner) are not for everyone: no EXECUTE for PUBLIC,
-- only for the app. This is how the retention's one change of the audit trail (its details and
-- personal data in event keys, SPEC §6) works without UPDATE on audit_events: a SECURITY DEFINER
-- function owned by the owner (`anonymise_case_audit`, migration 030), which the append-only
-- trigger still checks.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
DO $$
BEGIN
  EXECUTE format(
    'ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT EXECUTE ON FUNCTIONS TO casusregie_app',
    current_schema());
END;
$$;
