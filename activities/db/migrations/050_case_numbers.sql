-- Case numbers handed out by the web form when the referrer gives none (docs/web.md, "Casusnummers"):
-- one counter per municipality and year; each number is handed out once, whatever happens next.
CREATE TABLE IF NOT EXISTS case_number_counters (
  municipality text NOT NULL,
  year integer NOT NULL CHECK (year BETWEEN 1900 AND 2100),
  last_number integer NOT NULL CHECK (last_number > 0),
  PRIMARY KEY (municipality, year)
);
