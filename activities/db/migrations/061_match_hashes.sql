-- Eerder bekend (R4; docs/operations.md, "Eerder bekend: herkenningssleutel"). Per case the keyed
-- hashes (HMAC-SHA-256) of its young person (normalised name + date of birth) and of its family (a
-- parent's normalised name + the postcode of the address), written by the worker when the case is
-- referred and again when it is assessed. No name, date of birth or postcode is stored: without the
-- key (CASUS_MATCH_KEYS, in the worker's environment only) a hash cannot be traced to a person.
-- `key_id` names the key it was made with, so the key can rotate: a lookup computes the hashes with
-- every key of the ring. The rows of a case are deleted when its records are anonymised (retention).
CREATE TABLE match_hashes (
  case_number      text NOT NULL REFERENCES cases (case_number),
  kind             text NOT NULL CHECK (kind IN ('jongere', 'gezin')),
  key_id           text NOT NULL CHECK (key_id ~ '^[A-Za-z0-9._-]{1,64}$'),
  hash             text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  registered_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_number, kind, key_id, hash)
);
CREATE INDEX match_hashes_lookup ON match_hashes (kind, key_id, hash);
