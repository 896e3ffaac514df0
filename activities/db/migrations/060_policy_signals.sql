-- Signalen voor beleid (docs/signals.md): what goes wrong in policy, process or chain, recorded by
-- the regisseur in a case or outside one, put on the agenda of the Overleg programma Jeugd &
-- Veiligheid and followed up there. Written by the signals workflow (one per municipality), one
-- row per signal, the newest version winning (a retried write never goes back).
--
-- Retention: policy material, not personal data. The texts are checked for personal data when
-- they are recorded (by their form, and against the case's own data when a case is named), and
-- the case number carries no personal data; so the rows are not purged with the cases: the
-- signals and their follow-up remain the municipality's record of what policy was told.
CREATE TABLE IF NOT EXISTS policy_signals (
  municipality     text NOT NULL,
  signal_id        text NOT NULL,
  theme            text NOT NULL CHECK (theme IN ('beleid', 'proces', 'keten')),
  subject          text NOT NULL,
  text             text NOT NULL,
  case_number      text,
  state            text NOT NULL CHECK (state IN ('open', 'opgevolgd')),
  recorded_at      timestamptz NOT NULL,
  recorded_by      text NOT NULL,
  -- [{ at, discussedOn, text, by, keptOpen }], in order.
  follow_ups       jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- The numbers of the agendas of the overleg the signal was on.
  agendas          integer[] NOT NULL DEFAULT '{}',
  followed_up_at   timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality, signal_id)
);
CREATE INDEX IF NOT EXISTS policy_signals_state ON policy_signals (municipality, state, recorded_at);
