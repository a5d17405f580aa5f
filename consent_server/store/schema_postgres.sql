CREATE TABLE IF NOT EXISTS consent_log (
    seq BIGINT PRIMARY KEY,
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
    gpc BOOLEAN NOT NULL,
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
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
ON CONFLICT (id) DO NOTHING;
CREATE OR REPLACE FUNCTION consent_log_refuse_update() RETURNS trigger AS $$
BEGIN
    IF (NEW.seq, NEW.consent_id, NEW.created_at, NEW.method, NEW.granted, NEW.denied,
        NEW.granted_services, NEW.denied_services,
        NEW.policy_version, NEW.language, NEW.gpc, NEW.origin, NEW.schema_version, NEW.request_id,
        NEW.personal_digest, NEW.prev_hash, NEW.hash)
       IS DISTINCT FROM
       (OLD.seq, OLD.consent_id, OLD.created_at, OLD.method, OLD.granted, OLD.denied,
        OLD.granted_services, OLD.denied_services,
        OLD.policy_version, OLD.language, OLD.gpc, OLD.origin, OLD.schema_version, OLD.request_id,
        OLD.personal_digest, OLD.prev_hash, OLD.hash) THEN
        RAISE EXCEPTION 'consent_log is append-only: only personal fields may be erased';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER consent_log_append_only
BEFORE UPDATE ON consent_log FOR EACH ROW EXECUTE FUNCTION consent_log_refuse_update();
CREATE OR REPLACE FUNCTION consent_log_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF OLD.seq > COALESCE((SELECT seq FROM chain_anchor WHERE id = 1), 0) THEN
        RAISE EXCEPTION 'consent_log is append-only: only purged records may be deleted';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER consent_log_delete_only_purged
BEFORE DELETE ON consent_log FOR EACH ROW EXECUTE FUNCTION consent_log_refuse_delete();
