-- Clinics are the tenants: every row of patient data belongs to exactly one.
CREATE TABLE clinics (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
