-- The durable job queue and the clinics' webhooks. Same meaning as
-- sqlite/0004_jobs_webhooks.sql. Timestamps are always written by the server.

-- One unit of background work. A worker claims a due job by taking a
-- lease (owner and expiry) and counting an attempt; a job whose lease
-- expired (its worker died) is due again. Retries wait in run_after.
-- Workers claim with SELECT … FOR UPDATE SKIP LOCKED, so that two never
-- take the same job and none waits for another's lock.
CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    -- What to run, such as `webhook.deliver`; the worker picks the handler by it.
    kind TEXT NOT NULL,
    -- Read by the kind's handler.
    payload JSONB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    -- Attempts started so far, the running one included.
    attempts INTEGER NOT NULL DEFAULT 0,
    -- NULL: the worker's limit for the kind ([jobs] in the configuration).
    max_attempts INTEGER CHECK (max_attempts >= 1),
    -- Not claimed before this time.
    run_after TIMESTAMPTZ NOT NULL,
    -- Set while running: which worker holds the job, and until when.
    lease_owner TEXT,
    lease_expires_at TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX jobs_queued ON jobs (run_after) WHERE status = 'queued';
CREATE INDEX jobs_running ON jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_clinic ON jobs (clinic_id, created_at);

-- A URL of a clinic's that receives signed POSTs for the events it names.
CREATE TABLE webhooks (
    id UUID PRIMARY KEY,
    clinic_id UUID NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    -- Comma-separated, in the order case.created,case.updated,files.uploaded,stage.updated.
    events TEXT NOT NULL,
    -- The HMAC-SHA256 key of the signatures. Kept as is, unlike tokens: the
    -- server must sign with it (see storage/webhooks.rs).
    signing_secret TEXT NOT NULL,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    -- The latest attempt at a delivery, whatever its outcome.
    last_delivery_at TIMESTAMPTZ,
    last_delivery_outcome TEXT CHECK (last_delivery_outcome IN ('delivered', 'retrying', 'failed')),
    last_delivery_error TEXT,
    -- The latest delivery given up on after its last attempt.
    last_failure_at TIMESTAMPTZ,
    last_failure_error TEXT
);
CREATE INDEX webhooks_clinic ON webhooks (clinic_id);
