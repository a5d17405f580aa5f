-- The head row exists from the second step on, so a row inserted into chain_head can only come
-- from SQLite's INSERT OR REPLACE, whose implicit delete fires no DELETE trigger
-- (recursive_triggers is off) and would reset the head past its guards. An upsert that resolves
-- to its DO UPDATE inserts nothing, fires no AFTER INSERT trigger and meets the UPDATE guard.
CREATE TRIGGER IF NOT EXISTS chain_head_inserted_once
AFTER INSERT ON chain_head
BEGIN
    SELECT RAISE(ABORT, 'chain_head is append-only: it moves forward one linked record at a time');
END;
