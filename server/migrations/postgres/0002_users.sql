-- People of a clinic, their browser sessions, and the clinic's API tokens.
-- Same meaning as sqlite/0002_users.sql. Timestamps are always written by
-- the server (no defaults); secrets are never stored: only their SHA-256 in hex.

CREATE TABLE users (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    -- Lower-cased by the server; unique whatever its case.
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'clinician', 'technician')),
    -- argon2id PHC string.
    password_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
CREATE INDEX users_clinic ON users (clinic_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token.
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the CSRF token the client echoes in X-CSRF-Token.
    csrf_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    -- Comma-separated, in the order read,write,production.
    scopes TEXT NOT NULL,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_clinic ON api_tokens (clinic_id);
