-- Rapportage voor het Gezamenlijk MT (docs/operations.md, "Rapportage voor het Gezamenlijk MT").
-- The facts the report counts, one row per recorded step of a case that a figure needs, written
-- by the record activities in the same transaction as the audit event (activities/report/facts.ts).
-- Anonymous: the case number (which carries no personal data), the municipality, the kind and
-- moment of the step and only enumerations, numbers and dates in `data` (a route, a level, a
-- phase, a kind of close). The free texts the report lists (a signal for policy, the reason of
-- an extension) are in `text`, checked for the case's personal data when written, and removed by
-- the retention run; the rest is kept as anonymous aggregate data when a case's records are
-- anonymised, so the figures outlive the retention of closed cases.
CREATE TABLE report_facts (
  id               bigserial PRIMARY KEY,
  case_number      text NOT NULL,
  municipality     text NOT NULL,
  fact             text NOT NULL,
  at               timestamptz NOT NULL,
  -- The audit event's key: a retried record activity writes its facts once.
  fact_key         text NOT NULL UNIQUE,
  data             jsonb NOT NULL DEFAULT '{}'::jsonb,
  text             text,
  -- A free text that was not kept because it held personal data of the case.
  text_withheld    boolean NOT NULL DEFAULT false,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_facts_at ON report_facts (at);
CREATE INDEX report_facts_case ON report_facts (case_number, at);
