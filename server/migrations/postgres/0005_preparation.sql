-- Preparation: model versions prepared from another version of their
-- stage, the clinic's saved recipe, and the runs of the prepare job. Same
-- meaning as sqlite/0005_preparation.sql.

-- A prepared version names the original it was made from (always an
-- original: a version whose own prepared_from is empty), and, when the
-- server's prepare job made it, the recipe as the JSON text it ran with
-- (text, not JSONB: the job compares it exactly). Originals are never
-- changed or removed by preparing.
ALTER TABLE case_files ADD COLUMN prepared_from UUID REFERENCES case_files (id) ON DELETE CASCADE;
ALTER TABLE case_files ADD COLUMN recipe TEXT;
-- One prepared version per original and recipe: a repeated prepare job
-- finds it and makes no other. (Uploads from the browser carry no recipe;
-- empty recipes never collide.)
CREATE UNIQUE INDEX case_files_prepared_once ON case_files (prepared_from, recipe);

-- The recipe a clinic prepares its models with (JSON text of mesh-core's
-- Recipe); a clinic without a row uses Recipe::default().
CREATE TABLE clinic_recipes (
    clinic_id UUID PRIMARY KEY REFERENCES clinics (id) ON DELETE CASCADE,
    recipe TEXT NOT NULL,
    updated_by UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- One run of the prepare job over some stages of a case. Its id is the
-- id of the job that runs it (jobs.id), so a run whose job failed for
-- good reads as failed.
CREATE TABLE prepare_runs (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    case_id UUID NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    -- JSON text of the recipe, exactly as written on the versions it makes.
    recipe TEXT NOT NULL,
    -- JSON: [{"arch": "upper", "index": 3}, …], fixed when the run is asked for.
    stages JSONB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    -- JSON: [{"arch", "index", "message"}, …], the stages whose recipe failed.
    failed JSONB NOT NULL DEFAULT '[]',
    -- Why the whole run could not run, when status is failed.
    error TEXT,
    requested_by UUID REFERENCES users (id) ON DELETE SET NULL,
    requested_by_token UUID REFERENCES api_tokens (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX prepare_runs_case ON prepare_runs (clinic_id, case_id, created_at);
