-- The case record is complete only after the process evaluation (a closed case) or the end of
-- the follow-up of aanhaken (an aangehaakt case with a check-in day). Until then the case is
-- ended in state (afgesloten, aangehaakt) but its workflow still runs: the retention run
-- (activities/retention.ts) skips it, and counts the retention period from the moment the
-- record became complete.
ALTER TABLE cases ADD COLUMN follow_up_pending boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN record_complete_at timestamptz;
