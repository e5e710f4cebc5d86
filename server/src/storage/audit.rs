//! The audit log: who did what to patient data, when and from where.
//!
//! Invariant: rows are only inserted, in the transaction of the change they
//! record; the database refuses updates and deletions (triggers in
//! migration 0003), and no code path here tries.

use std::collections::BTreeMap;

use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::backend::{DbId, DbTime, OptionalId, now, on_pool};
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
    /// The person's display name or the token's name, while they exist.
    pub actor_name: Option<String>,
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

/// What to record: an action on a subject, the case it concerns (so the
/// case's activity can be listed), and what changed.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: Uuid,
    pub case_id: Option<Uuid>,
    pub details: Vec<(&'static str, String)>,
}

impl Entry {
    pub fn case(action: &'static str, case_id: Uuid) -> Entry {
        Entry { action, subject_type: "case", subject_id: case_id, case_id: Some(case_id), details: Vec::new() }
    }

    pub fn file(action: &'static str, file_id: Uuid, case_id: Uuid) -> Entry {
        Entry { action, subject_type: "file", subject_id: file_id, case_id: Some(case_id), details: Vec::new() }
    }

    /// The clinic's preparation recipe (its subject is the clinic).
    pub fn recipe(action: &'static str, clinic_id: Uuid) -> Entry {
        Entry { action, subject_type: "recipe", subject_id: clinic_id, case_id: None, details: Vec::new() }
    }

    pub fn user(action: &'static str, user_id: Uuid) -> Entry {
        Entry { action, subject_type: "user", subject_id: user_id, case_id: None, details: Vec::new() }
    }

    pub fn token(action: &'static str, token_id: Uuid) -> Entry {
        Entry { action, subject_type: "token", subject_id: token_id, case_id: None, details: Vec::new() }
    }

    pub fn webhook(action: &'static str, webhook_id: Uuid) -> Entry {
        Entry { action, subject_type: "webhook", subject_id: webhook_id, case_id: None, details: Vec::new() }
    }

    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Entry {
        self.details.push((key, value.into()));
        self
    }
}

/// Records `entry` inside the caller's transaction.
pub async fn record(tx: &mut WriteTx, actor: &Actor<'_>, entry: Entry) -> Result<(), sqlx::Error> {
    let identity = actor.identity;
    let by = By { clinic_id: identity.clinic_id, user_id: identity.user_id, token_id: identity.token_id() };
    insert(tx, &by, actor.source, &entry).await
}

/// Records a sign-in or a failed one for an account of `clinic_id`: the
/// actor is the account's user once signed in, nobody known before.
pub async fn record_sign_in(
    tx: &mut WriteTx,
    clinic_id: Uuid,
    user_id: Option<Uuid>,
    source: &str,
    entry: Entry,
) -> Result<(), sqlx::Error> {
    insert(tx, &By { clinic_id, user_id, token_id: None }, source, &entry).await
}

/// The clinic whose log it is, and who acted.
struct By {
    clinic_id: Uuid,
    user_id: Option<Uuid>,
    token_id: Option<Uuid>,
}

async fn insert(tx: &mut WriteTx, by: &By, source: &str, entry: &Entry) -> Result<(), sqlx::Error> {
    let details: BTreeMap<&str, &str> = entry.details.iter().map(|(key, value)| (*key, value.as_str())).collect();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO audit_events (id, clinic_id, at, actor_user_id, actor_token_id, action, subject_type, \
             subject_id, case_id, source, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(DbId(Uuid::new_v4()))
        .bind(DbId(by.clinic_id))
        .bind(DbTime(now()))
        .bind(by.user_id.map(DbId))
        .bind(by.token_id.map(DbId))
        .bind(entry.action)
        .bind(entry.subject_type)
        .bind(entry.subject_id.to_string())
        .bind(entry.case_id.map(DbId))
        .bind(source)
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
    /// Everything recorded about the case and its files.
    pub case_id: Option<Uuid>,
}

/// The clinic's events, newest first, one page, with the total count.
pub async fn list(
    db: &Database,
    clinic_id: Uuid,
    filter: &AuditFilter,
    page: super::Page,
) -> Result<(Vec<AuditEvent>, u64), sqlx::Error> {
    let condition = "a.clinic_id = $1 AND ($2 IS NULL OR a.subject_id = $2) AND ($3 IS NULL OR a.case_id = $3)";
    let rows_sql = format!(
        "SELECT a.id, a.at, a.actor_user_id, a.actor_token_id, coalesce(u.display_name, t.name) AS actor_name, \
         a.action, a.subject_type, a.subject_id, a.source, a.details FROM audit_events a \
         LEFT JOIN users u ON u.id = a.actor_user_id LEFT JOIN api_tokens t ON t.id = a.actor_token_id \
         WHERE {condition} ORDER BY a.at DESC, a.id LIMIT $4 OFFSET $5"
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_events a WHERE {condition}");
    on_pool!(db, pool => {
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .bind(DbId(clinic_id))
            .bind(filter.subject_id.as_deref())
            .bind(filter.case_id.map(DbId))
            .bind(page.limit_i64())
            .bind(page.offset_i64())
            .fetch_all(pool)
            .await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(DbId(clinic_id))
            .bind(filter.subject_id.as_deref())
            .bind(filter.case_id.map(DbId))
            .fetch_one(pool)
            .await?;
        Ok((rows, u64::try_from(total).unwrap_or(0)))
    })
}
