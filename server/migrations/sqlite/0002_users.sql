-- People of a clinic, their browser sessions, and the clinic's API tokens.
-- Same meaning as postgres/0002_users.sql. Timestamps are RFC 3339 text in
-- UTC, always written by the server (no defaults), ids are hyphenated UUID
-- text, secrets are never stored: only their SHA-256 in hex.

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    clinic_id TEXT NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    -- Lower-cased by the server; unique whatever its case.
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'clinician', 'technician')),
    -- argon2id PHC string.
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
CREATE INDEX users_clinic ON users (clinic_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token.
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the CSRF token the client echoes in X-CSRF-Token.
    csrf_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    clinic_id TEXT NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    -- Comma-separated, in the order read,write,production.
    scopes TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_clinic ON api_tokens (clinic_id);
