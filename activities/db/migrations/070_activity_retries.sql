-- The problem watch's candidates (docs/operations.md, "Probleemmeldingen"). An activity that starts
-- at attempt PROBLEM_ACTIVITY_ATTEMPTS or later registers itself here, and removes its row when it
-- succeeds or fails for good; the watch then asks Temporal about these runs only, not about every
-- running case, and removes a row whose activity is no longer pending. Ids and counts only: no
-- personal data, no failure text.
CREATE TABLE activity_retries (
  workflow_id      text NOT NULL,
  run_id           text NOT NULL,
  activity_id      text NOT NULL,
  activity_type    text NOT NULL,
  attempt          integer NOT NULL CHECK (attempt >= 1),
  seen_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, run_id, activity_id)
);
