-- Purges become signed events of the chain, and the anchor and head are guarded like the log.
-- `detail` holds a system record's content (a purge's cut and signature); it is hashed.
ALTER TABLE consent_log ADD COLUMN detail TEXT NOT NULL DEFAULT '';
-- The purge record that set the anchor; 0 for a log never purged.
ALTER TABLE chain_anchor ADD COLUMN purge_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS consent_log_purges ON consent_log (seq) WHERE method = 'purge';
INSERT INTO chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
ON CONFLICT (id) DO NOTHING;
DROP TRIGGER IF EXISTS consent_log_append_only;
CREATE TRIGGER consent_log_append_only
BEFORE UPDATE OF seq, consent_id, created_at, method, granted, denied, granted_services,
    denied_services, policy_version, language,
    gpc, origin, schema_version, request_id, personal_digest, detail, prev_hash, hash ON consent_log
BEGIN
    SELECT RAISE(ABORT, 'consent_log is append-only: only personal fields may be erased');
END;
DROP TRIGGER IF EXISTS consent_log_delete_only_purged;
CREATE TRIGGER consent_log_delete_only_purged
BEFORE DELETE ON consent_log
WHEN OLD.seq > COALESCE((SELECT seq FROM chain_anchor WHERE id = 1), 0) OR OLD.method = 'purge'
BEGIN
    SELECT RAISE(ABORT, 'consent_log is append-only: only purged records may be deleted, and never a purge record');
END;
CREATE TRIGGER chain_anchor_set_only_by_purge
BEFORE INSERT ON chain_anchor
WHEN NOT EXISTS (
    SELECT 1 FROM consent_log WHERE seq = NEW.purge_seq AND method = 'purge'
    AND json_extract(CASE WHEN method = 'purge' THEN detail END, '$.purge.first_kept_seq') = NEW.seq + 1
    AND json_extract(CASE WHEN method = 'purge' THEN detail END, '$.purge.links_to') = NEW.hash
)
BEGIN
    SELECT RAISE(ABORT, 'chain_anchor moves only by a purge record that names the cut');
END;
CREATE TRIGGER chain_anchor_moved_only_by_purge
BEFORE UPDATE ON chain_anchor
WHEN NEW.id <> OLD.id OR NEW.purge_seq <= OLD.purge_seq OR NOT EXISTS (
    SELECT 1 FROM consent_log WHERE seq = NEW.purge_seq AND method = 'purge'
    AND json_extract(CASE WHEN method = 'purge' THEN detail END, '$.purge.first_kept_seq') = NEW.seq + 1
    AND json_extract(CASE WHEN method = 'purge' THEN detail END, '$.purge.links_to') = NEW.hash
)
BEGIN
    SELECT RAISE(ABORT, 'chain_anchor moves only by a purge record that names the cut');
END;
CREATE TRIGGER chain_anchor_kept
BEFORE DELETE ON chain_anchor
BEGIN
    SELECT RAISE(ABORT, 'chain_anchor moves only by a purge record that names the cut');
END;
CREATE TRIGGER chain_head_moves_forward
BEFORE UPDATE ON chain_head
WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
    SELECT 1 FROM consent_log WHERE seq = NEW.seq AND hash = NEW.hash AND prev_hash = OLD.hash
)
BEGIN
    SELECT RAISE(ABORT, 'chain_head is append-only: it moves forward one linked record at a time');
END;
CREATE TRIGGER chain_head_kept
BEFORE DELETE ON chain_head
BEGIN
    SELECT RAISE(ABORT, 'chain_head is append-only: it moves forward one linked record at a time');
END;
