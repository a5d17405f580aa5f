-- The head row exists from the first step on. On PostgreSQL an upsert of it already fires the
-- UPDATE guard; refusing a second insert keeps the two backends' guards the same.
CREATE OR REPLACE FUNCTION chain_head_refuse_insert() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM chain_head) THEN
        RAISE EXCEPTION 'chain_head is append-only: it moves forward one linked record at a time';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER chain_head_inserted_once
BEFORE INSERT ON chain_head
FOR EACH ROW EXECUTE FUNCTION chain_head_refuse_insert();
