CREATE TABLE IF NOT EXISTS consent_log (
    seq INTEGER PRIMARY KEY,
    consent_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    method TEXT NOT NULL,
    granted TEXT NOT NULL,
    denied TEXT NOT NULL,
    granted_services TEXT NOT NULL,
    denied_services TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    language TEXT NOT NULL,
    page_url TEXT NOT NULL,
    gpc INTEGER NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    origin TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    personal_salt TEXT NOT NULL,
    personal_digest TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_log_by_consent_id ON consent_log (consent_id, seq);
CREATE INDEX IF NOT EXISTS consent_log_by_created_at ON consent_log (created_at);
CREATE UNIQUE INDEX IF NOT EXISTS consent_log_by_request_id ON consent_log (request_id)
    WHERE request_id <> '';
CREATE TABLE IF NOT EXISTS chain_anchor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS consent_log_append_only
BEFORE UPDATE OF seq, consent_id, created_at, method, granted, denied, granted_services,
    denied_services, policy_version, language,
    gpc, origin, schema_version, request_id, personal_digest, prev_hash, hash ON consent_log
BEGIN
    SELECT RAISE(ABORT, 'consent_log is append-only: only personal fields may be erased');
END;
CREATE TRIGGER IF NOT EXISTS consent_log_delete_only_purged
BEFORE DELETE ON consent_log
WHEN OLD.seq > COALESCE((SELECT seq FROM chain_anchor WHERE id = 1), 0)
BEGIN
    SELECT RAISE(ABORT, 'consent_log is append-only: only purged records may be deleted');
END;
CREATE TABLE IF NOT EXISTS chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
