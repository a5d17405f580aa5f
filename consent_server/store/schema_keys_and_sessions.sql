-- Idempotency-Keys scoped to their requester, and dashboard sessions the server can end.
-- The same key may now belong to two requesters, so the log's own unique index on request_id
-- goes: request_keys decides what a key replays.
DROP INDEX IF EXISTS consent_log_by_request_id;
CREATE TABLE IF NOT EXISTS request_keys (
    scope TEXT NOT NULL,
    request_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    body_digest TEXT NOT NULL,
    consent_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, request_id)
);
CREATE INDEX IF NOT EXISTS request_keys_by_consent_id ON request_keys (consent_id);
CREATE INDEX IF NOT EXISTS request_keys_by_created_at ON request_keys (created_at);
CREATE TABLE IF NOT EXISTS admin_sessions (
    session_hash TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    started_at TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
