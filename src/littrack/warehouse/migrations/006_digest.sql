-- The morning digest: what each run cost PubMed-wise, and every mail littrack sent or tried.

-- Run health for the digest: HTTP requests sent to E-utilities and retries after failures.
ALTER TABLE runs ADD COLUMN requests BIGINT;
ALTER TABLE runs ADD COLUMN retries BIGINT;

CREATE SEQUENCE digest_sends_id_seq START 1;

-- One row per mail attempt after a run (and per `littrack digest --send`). A failed send is a
-- row with status 'failed' and the error; it never fails the run. No credentials are stored.
CREATE TABLE digest_sends (
    id          BIGINT PRIMARY KEY DEFAULT nextval('digest_sends_id_seq'),
    run_id      BIGINT,               -- the run the mail is about (NULL: a manual window)
    kind        VARCHAR NOT NULL CHECK (kind IN ('digest', 'alert')),
    status      VARCHAR NOT NULL CHECK (status IN ('sent', 'failed', 'skipped')),
    subject     VARCHAR NOT NULL,
    recipients  VARCHAR[] NOT NULL,
    error       VARCHAR,              -- why it failed, or why it was skipped
    attempted_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
