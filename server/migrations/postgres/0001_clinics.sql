-- Clinics are the tenants: every row of patient data belongs to exactly one.
CREATE TABLE clinics (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
