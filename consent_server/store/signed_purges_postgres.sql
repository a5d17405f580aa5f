-- Purges become signed events of the chain, and the anchor and head are guarded like the log.
-- `detail` holds a system record's content (a purge's cut and signature); it is hashed.
ALTER TABLE consent_log ADD COLUMN IF NOT EXISTS detail TEXT NOT NULL DEFAULT '';
-- The purge record that set the anchor; 0 for a log never purged.
ALTER TABLE chain_anchor ADD COLUMN IF NOT EXISTS purge_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS consent_log_purges ON consent_log (seq) WHERE method = 'purge';
CREATE OR REPLACE FUNCTION consent_log_refuse_update() RETURNS trigger AS $$
BEGIN
    IF (NEW.seq, NEW.consent_id, NEW.created_at, NEW.method, NEW.granted, NEW.denied,
        NEW.granted_services, NEW.denied_services,
        NEW.policy_version, NEW.language, NEW.gpc, NEW.origin, NEW.schema_version, NEW.request_id,
        NEW.personal_digest, NEW.detail, NEW.prev_hash, NEW.hash)
       IS DISTINCT FROM
       (OLD.seq, OLD.consent_id, OLD.created_at, OLD.method, OLD.granted, OLD.denied,
        OLD.granted_services, OLD.denied_services,
        OLD.policy_version, OLD.language, OLD.gpc, OLD.origin, OLD.schema_version, OLD.request_id,
        OLD.personal_digest, OLD.detail, OLD.prev_hash, OLD.hash) THEN
        RAISE EXCEPTION 'consent_log is append-only: only personal fields may be erased';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION consent_log_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF OLD.seq > COALESCE((SELECT seq FROM chain_anchor WHERE id = 1), 0) OR OLD.method = 'purge' THEN
        RAISE EXCEPTION 'consent_log is append-only: only purged records may be deleted, and never a purge record';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION chain_anchor_refuse_move() RETURNS trigger AS $$
DECLARE
    cut TEXT;
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (NEW.id <> OLD.id OR NEW.purge_seq <= OLD.purge_seq)) THEN
        RAISE EXCEPTION 'chain_anchor moves only by a purge record that names the cut';
    END IF;
    SELECT detail INTO cut FROM consent_log WHERE seq = NEW.purge_seq AND method = 'purge';
    IF cut IS NULL
       OR (cut::jsonb #>> '{purge,first_kept_seq}') IS DISTINCT FROM (NEW.seq + 1)::text
       OR (cut::jsonb #>> '{purge,links_to}') IS DISTINCT FROM NEW.hash THEN
        RAISE EXCEPTION 'chain_anchor moves only by a purge record that names the cut';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER chain_anchor_moved_only_by_purge
BEFORE INSERT OR UPDATE OR DELETE ON chain_anchor
FOR EACH ROW EXECUTE FUNCTION chain_anchor_refuse_move();
CREATE OR REPLACE FUNCTION chain_head_refuse_move() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
        SELECT 1 FROM consent_log WHERE seq = NEW.seq AND hash = NEW.hash AND prev_hash = OLD.hash
    ) THEN
        RAISE EXCEPTION 'chain_head is append-only: it moves forward one linked record at a time';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER chain_head_moves_forward
BEFORE UPDATE OR DELETE ON chain_head
FOR EACH ROW EXECUTE FUNCTION chain_head_refuse_move();
