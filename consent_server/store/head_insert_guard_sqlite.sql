-- The head row exists from the second step on; a second insert could only be SQLite's
-- INSERT OR REPLACE, whose implicit delete fires no DELETE trigger (recursive_triggers is off)
-- and would reset the head past its guards.
CREATE TRIGGER IF NOT EXISTS chain_head_inserted_once
BEFORE INSERT ON chain_head
WHEN EXISTS (SELECT 1 FROM chain_head)
BEGIN
    SELECT RAISE(ABORT, 'chain_head is append-only: it moves forward one linked record at a time');
END;
