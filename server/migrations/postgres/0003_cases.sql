-- Patients, their cases, the stages of a case, the files of a case (model
-- versions and clinical photos) and the audit log. Same meaning as
-- sqlite/0003_cases.sql. Every row carries its clinic, and every lookup
-- filters by it.

CREATE TABLE patients (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    -- The pseudonym printed on labels, e.g. K7Q-4M2.
    code TEXT NOT NULL,
    -- Optional, kept only here: never on labels or in exported files.
    full_name TEXT,
    date_of_birth DATE,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (clinic_id, code)
);

CREATE TABLE cases (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    patient_id UUID NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('new', 'models_ready', 'prepared', 'printing', 'in_production', 'delivered', 'cancelled')),
    -- The day the first aligner is worn, YYYY-MM-DD.
    start_date DATE,
    days_per_aligner INTEGER NOT NULL CHECK (days_per_aligner BETWEEN 1 AND 60),
    aligners_per_appointment INTEGER NOT NULL CHECK (aligners_per_appointment BETWEEN 1 AND 20),
    notes TEXT NOT NULL,
    created_by UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_clinic_updated ON cases (clinic_id, updated_at);
CREATE INDEX cases_patient ON cases (patient_id);

CREATE TABLE stages (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    case_id UUID NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    arch TEXT NOT NULL CHECK (arch IN ('upper', 'lower')),
    -- 0 is the starting position; aligners are 1, 2, …
    stage_index INTEGER NOT NULL CHECK (stage_index BETWEEN 0 AND 999),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (case_id, arch, stage_index)
);

CREATE TABLE case_files (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    case_id UUID NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    -- Set for models, empty for photos.
    stage_id UUID REFERENCES stages (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('model', 'photo')),
    -- 1, 2, … per stage for models (each upload is a new version); 1 for photos.
    version INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    -- The blob: lower-case hex SHA-256 of the content (see storage/blobs.rs).
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- The mesh report (JSON) of a model.
    report JSONB,
    uploaded_by UUID REFERENCES users (id) ON DELETE SET NULL,
    uploaded_by_token UUID REFERENCES api_tokens (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (stage_id, version)
);
CREATE INDEX case_files_case ON case_files (case_id, created_at);
CREATE INDEX case_files_sha256 ON case_files (sha256);

-- Who did what to patient data, when and from where. Rows are only ever
-- inserted: the triggers below refuse every change and deletion.
CREATE TABLE audit_events (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id),
    at TIMESTAMPTZ NOT NULL,
    actor_user_id UUID,
    actor_token_id UUID,
    -- e.g. case.create, file.download
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    -- The case the action concerns, for its activity list (no foreign
    -- key: the record outlives a deleted case).
    case_id UUID,
    -- The client's address as the server saw it.
    source TEXT NOT NULL,
    -- JSON with what changed.
    details JSONB NOT NULL
);
CREATE INDEX audit_events_clinic_at ON audit_events (clinic_id, at);
CREATE INDEX audit_events_subject ON audit_events (clinic_id, subject_id);
CREATE INDEX audit_events_case ON audit_events (clinic_id, case_id, at);

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be changed or deleted';
END;
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
