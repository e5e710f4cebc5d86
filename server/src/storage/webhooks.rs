//! A clinic's webhooks, what happened at their latest deliveries, and
//! `publish`: the one call other areas make when something happens, which
//! enqueues a signed delivery for every hook of the clinic that subscribed
//! to the event.
//!
//! The signing secret is stored as it is, unlike passwords and tokens,
//! which are kept only as hashes: the server needs the secret itself to
//! sign every delivery. That is acceptable because the secret guards
//! nothing in Trayforge: it only lets a receiver check that a delivery came
//! from us. Whoever can read the database can forge deliveries to the
//! clinic's own receivers, but could read the clinic's data directly
//! already. The API shows the secret once, at creation, and it is never
//! logged; a clinic that fears it leaked deletes the hook and registers a
//! new one.
//!
//! Times are written as `DbTime` (text in time order on SQLite).
//!
//! Invariant: every function takes the clinic from the caller's identity
//! (or the job's row) and filters by it; another clinic's hook does not exist.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use trayforge_wire::WebhookDelivery;
use uuid::Uuid;

use super::backend::{BeginWrite, DbId, DbTime, now, on_pool};
use super::jobs::{self, NewJob};
use super::transaction::on_tx;
use super::{Database, TxOrDb, WriteTx};
use crate::domain::{SigningSecret, WebhookEvent, WebhookEvents, WebhookUrl};

/// The job kind of a delivery; its payload is a [`DeliveryPayload`].
pub const DELIVERY_JOB: &str = "webhook.deliver";

/// Enough for every system a clinic runs; more would be a mistake or abuse
/// (each event is sent once per hook).
pub const MAX_WEBHOOKS_PER_CLINIC: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Webhook {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    #[sqlx(try_from = "DbId")]
    pub clinic_id: Uuid,
    #[sqlx(try_from = "String")]
    pub url: WebhookUrl,
    #[sqlx(try_from = "String")]
    pub events: WebhookEvents,
    #[sqlx(try_from = "DbId")]
    pub created_by: Uuid,
    pub created_at: OffsetDateTime,
    pub last_delivery_at: Option<OffsetDateTime>,
    pub last_delivery_outcome: Option<String>,
    pub last_delivery_error: Option<String>,
    pub last_failure_at: Option<OffsetDateTime>,
    pub last_failure_error: Option<String>,
}

const WEBHOOK_COLUMNS: &str = "id, clinic_id, url, events, created_by, created_at, last_delivery_at, \
    last_delivery_outcome, last_delivery_error, last_failure_at, last_failure_error";

/// How an attempt at a delivery ended, as recorded on its hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx.
    Delivered,
    /// It did not; the delivery will be tried again.
    Retrying,
    /// It did not, and that was the last attempt.
    Failed,
}

impl DeliveryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Retrying => "retrying",
            DeliveryOutcome::Failed => "failed",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(
        "this clinic has {MAX_WEBHOOKS_PER_CLINIC} webhooks already; delete one it no longer needs, or subscribe \
         an existing one to more events"
    )]
    TooMany,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Registers a hook for `clinic_id` in the caller's transaction; `TooMany`
/// past [`MAX_WEBHOOKS_PER_CLINIC`].
pub async fn create(
    tx: &mut WriteTx,
    clinic_id: Uuid,
    created_by: Uuid,
    url: &WebhookUrl,
    events: WebhookEvents,
    secret: &SigningSecret,
) -> Result<Webhook, WebhookError> {
    let hook = Webhook {
        id: Uuid::new_v4(),
        clinic_id,
        url: url.clone(),
        events,
        created_by,
        created_at: now(),
        last_delivery_at: None,
        last_delivery_outcome: None,
        last_delivery_error: None,
        last_failure_at: None,
        last_failure_error: None,
    };
    // Counted and inserted with the clinic locked, so that two requests at
    // once cannot both take the last place.
    tx.lock_clinic(clinic_id).await?;
    on_tx!(tx, conn => {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE clinic_id = $1")
            .bind(DbId(clinic_id))
            .fetch_one(&mut **conn)
            .await?;
        if count >= MAX_WEBHOOKS_PER_CLINIC {
            return Err(WebhookError::TooMany);
        }
        sqlx::query(
            "INSERT INTO webhooks (id, clinic_id, url, events, signing_secret, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(DbId(hook.id))
        .bind(DbId(clinic_id))
        .bind(url.as_str())
        .bind(events.to_string())
        .bind(secret.expose())
        .bind(DbId(created_by))
        .bind(DbTime(hook.created_at))
        .execute(&mut **conn)
        .await?;
    });
    Ok(hook)
}

/// The clinic's hooks, oldest first; never their secrets.
pub async fn list(db: &Database, clinic_id: Uuid) -> Result<Vec<Webhook>, sqlx::Error> {
    let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE clinic_id = $1 ORDER BY created_at, id");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).fetch_all(pool).await)
}

/// Deletes the clinic's hook `id` in the caller's transaction; its URL, or
/// `None` when the clinic has none such. Deliveries still queued for it are
/// dropped when their turn comes.
pub async fn delete(tx: &mut WriteTx, clinic_id: Uuid, id: Uuid) -> Result<Option<String>, sqlx::Error> {
    on_tx!(tx, conn => {
        let url: Option<String> = sqlx::query_scalar("SELECT url FROM webhooks WHERE id = $1 AND clinic_id = $2")
            .bind(DbId(id))
            .bind(DbId(clinic_id))
            .fetch_optional(&mut **conn)
            .await?;
        if url.is_some() {
            sqlx::query("DELETE FROM webhooks WHERE id = $1 AND clinic_id = $2")
                .bind(DbId(id))
                .bind(DbId(clinic_id))
                .execute(&mut **conn)
                .await?;
        }
        Ok(url)
    })
}

#[derive(sqlx::FromRow)]
struct SigningRow {
    url: String,
    signing_secret: String,
}

/// Where a delivery goes and what signs it; `None` once the hook is deleted.
pub(crate) async fn signing_target(
    db: &Database,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<(String, SigningSecret)>, sqlx::Error> {
    let row: Option<SigningRow> = on_pool!(db, pool => {
        sqlx::query_as("SELECT url, signing_secret FROM webhooks WHERE id = $1 AND clinic_id = $2")
            .bind(DbId(id))
            .bind(DbId(clinic_id))
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(|row| (row.url, SigningSecret::from(row.signing_secret))))
}

/// Notes how an attempt at a delivery to the hook ended, so that its
/// clinic sees a broken receiver; a `Failed` attempt is also the hook's
/// latest failure.
pub(crate) async fn record_attempt(
    db: &Database,
    clinic_id: Uuid,
    id: Uuid,
    outcome: DeliveryOutcome,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    let at = now();
    let sql = match outcome {
        DeliveryOutcome::Failed => {
            "UPDATE webhooks SET last_delivery_at = $1, last_delivery_outcome = $2, last_delivery_error = $3, \
             last_failure_at = $1, last_failure_error = $3 WHERE id = $4 AND clinic_id = $5"
        }
        DeliveryOutcome::Delivered | DeliveryOutcome::Retrying => {
            "UPDATE webhooks SET last_delivery_at = $1, last_delivery_outcome = $2, last_delivery_error = $3 \
             WHERE id = $4 AND clinic_id = $5"
        }
    };
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(sql)
            .bind(DbTime(at))
            .bind(outcome.as_str())
            .bind(error)
            .bind(DbId(id))
            .bind(DbId(clinic_id))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    Ok(())
}

/// The payload of a delivery job: the hook, and the body to POST, fixed at
/// publication so that every attempt sends the same bytes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DeliveryPayload {
    pub hook_id: Uuid,
    pub body: WebhookDelivery,
}

/// Records that `event` happened in `clinic_id`: one delivery job for each
/// of the clinic's hooks subscribed to it, with `data` as the body's `data`.
/// Returns the delivery ids (also the jobs' ids).
///
/// Call it inside the write transaction of the change it reports
/// (`publish(&mut tx, …)` with the handler's `WriteTx`, beside
/// `audit::record`), so that the change and its deliveries commit together
/// or not at all: a crash never loses an event nor sends one for a change
/// that did not happen. Then, after the commit, `state.jobs.wake()` starts
/// the in-process workers at once. Given a `&Database`, it opens and
/// commits a transaction of its own.
pub async fn publish<'a>(
    target: impl Into<TxOrDb<'a>>,
    clinic_id: Uuid,
    event: WebhookEvent,
    data: Value,
) -> Result<Vec<Uuid>, sqlx::Error> {
    match target.into() {
        TxOrDb::Tx(tx) => publish_in(tx, clinic_id, event, data).await,
        TxOrDb::Db(db) => {
            let mut tx = db.begin_write().await?;
            let published = publish_in(&mut tx, clinic_id, event, data).await?;
            tx.commit().await?;
            Ok(published)
        }
    }
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    #[sqlx(try_from = "DbId")]
    id: Uuid,
    #[sqlx(try_from = "String")]
    events: WebhookEvents,
}

async fn publish_in(
    tx: &mut WriteTx,
    clinic_id: Uuid,
    event: WebhookEvent,
    data: Value,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let hooks: Vec<SubscriptionRow> = on_tx!(tx, conn => {
        sqlx::query_as("SELECT id, events FROM webhooks WHERE clinic_id = $1 ORDER BY id")
            .bind(DbId(clinic_id))
            .fetch_all(&mut **conn)
            .await?
    });
    let created_at = now().format(&Rfc3339).unwrap_or_default();
    let mut deliveries = Vec::new();
    for hook in hooks.into_iter().filter(|hook| hook.events.contains(event)) {
        let id = Uuid::new_v4();
        let body = WebhookDelivery {
            id: id.to_string(),
            event: event.as_str().to_owned(),
            created_at: created_at.clone(),
            data: data.clone(),
        };
        let payload = serde_json::to_value(DeliveryPayload { hook_id: hook.id, body })
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let job = NewJob { id, ..NewJob::new(clinic_id, DELIVERY_JOB, payload) };
        jobs::enqueue(&mut *tx, &job).await?;
        deliveries.push(id);
    }
    Ok(deliveries)
}
