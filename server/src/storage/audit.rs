//! The audit log: who did what to patient data, when and from where.
//!
//! Invariant: rows are only inserted, in the transaction of the change they
//! record; the database refuses updates and deletions (triggers in
//! migration 0003), and no code path here tries.

use std::collections::BTreeMap;

use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::backend::{DbId, OptionalId, now, on_pool};
use super::transaction::on_tx;
use super::{Database, WriteTx};
use crate::domain::Identity;

/// One recorded action.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditEvent {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    pub at: OffsetDateTime,
    #[sqlx(try_from = "OptionalId")]
    pub actor_user_id: Option<Uuid>,
    #[sqlx(try_from = "OptionalId")]
    pub actor_token_id: Option<Uuid>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub source: String,
    #[sqlx(json)]
    pub details: BTreeMap<String, String>,
}

/// Who acted and from where: the request's identity and client address.
#[derive(Debug, Clone)]
pub struct Actor<'a> {
    pub identity: &'a Identity,
    pub source: &'a str,
}

/// Records `action` on a subject inside the caller's transaction.
pub async fn record(
    tx: &mut WriteTx,
    actor: &Actor<'_>,
    action: &str,
    subject: (&str, Uuid),
    details: &[(&str, String)],
) -> Result<(), sqlx::Error> {
    let details: BTreeMap<&str, &str> = details.iter().map(|(key, value)| (*key, value.as_str())).collect();
    let (subject_type, subject_id) = subject;
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO audit_events \
             (id, clinic_id, at, actor_user_id, actor_token_id, action, subject_type, subject_id, source, details) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(DbId(Uuid::new_v4()))
        .bind(DbId(actor.identity.clinic_id))
        .bind(now())
        .bind(actor.identity.user_id.map(DbId))
        .bind(actor.identity.token_id().map(DbId))
        .bind(action)
        .bind(subject_type)
        .bind(subject_id.to_string())
        .bind(actor.source)
        .bind(Json(&details))
        .execute(&mut **conn)
        .await?;
    });
    Ok(())
}

/// Which events to list: all of the clinic's, or those of one subject.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub subject_id: Option<String>,
}

/// The clinic's events, newest first, one page, with the total count.
pub async fn list(
    db: &Database,
    clinic_id: Uuid,
    filter: &AuditFilter,
    page: super::Page,
) -> Result<(Vec<AuditEvent>, u64), sqlx::Error> {
    let condition = "clinic_id = $1 AND ($2 IS NULL OR subject_id = $2)";
    let rows_sql = format!(
        "SELECT id, at, actor_user_id, actor_token_id, action, subject_type, subject_id, source, details \
         FROM audit_events WHERE {condition} ORDER BY at DESC, id LIMIT $3 OFFSET $4"
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_events WHERE {condition}");
    on_pool!(db, pool => {
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .bind(DbId(clinic_id))
            .bind(filter.subject_id.as_deref())
            .bind(page.limit_i64())
            .bind(page.offset_i64())
            .fetch_all(pool)
            .await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(DbId(clinic_id))
            .bind(filter.subject_id.as_deref())
            .fetch_one(pool)
            .await?;
        Ok((rows, u64::try_from(total).unwrap_or(0)))
    })
}
