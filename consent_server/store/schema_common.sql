-- Tables whose SQL is the same in SQLite and PostgreSQL; run after the backend's own schema.
CREATE TABLE IF NOT EXISTS policy_archive (
    policy_version TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    manifest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS consent_rollup (
    day TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    method TEXT NOT NULL,
    gpc INTEGER NOT NULL,
    granted TEXT NOT NULL,
    denied TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (day, policy_version, method, gpc, granted, denied)
);
INSERT INTO consent_rollup (day, policy_version, method, gpc, granted, denied, n)
SELECT substr(created_at, 1, 10), policy_version, method, CASE WHEN gpc THEN 1 ELSE 0 END,
    granted, denied, COUNT(*)
FROM consent_log
WHERE NOT EXISTS (SELECT 1 FROM consent_rollup)
GROUP BY 1, 2, 3, 4, 5, 6;
