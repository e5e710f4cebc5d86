//! What lets one repository function serve both backends: the `on_pool!`
//! macro (the same query code compiled once per backend), `DbId` (a UUID
//! stored as hyphenated text in SQLite and as `uuid` in PostgreSQL),
//! `DbTime` (a time SQLite can compare as text), and
//! `begin_write` (SQLite write transactions start `IMMEDIATE`, taking the
//! write lock up front instead of failing with "database is locked" when a
//! read transaction later tries to write).

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgPool, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqlitePool, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Transaction, Type};
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;
use uuid::fmt::Hyphenated;

/// Runs `$body` with `$pool` bound to the backend's pool; the body is
/// compiled once for each backend, so the SQL must suit both (`$1`-style
/// parameters do, and `DbId`, `OffsetDateTime`, `String`, `bool` bind on both).
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::storage::Database::Sqlite($pool) => $body,
            $crate::storage::Database::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// A timestamp to write or to compare with in SQL: `timestamptz` in
/// PostgreSQL; in SQLite RFC 3339 text in UTC with exactly six fraction
/// digits, so that text order is time order there too. (sqlx's own
/// encoding writes only the digits a value needs, and `…:05Z` sorts after
/// `…:05.5Z` as text.) Reading needs nothing of the kind: every RFC 3339
/// form decodes as `OffsetDateTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DbTime(pub(crate) OffsetDateTime);

impl Type<Sqlite> for DbTime {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for DbTime {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        let t = self.0.to_offset(UtcOffset::UTC);
        let text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.microsecond()
        );
        <String as Encode<Sqlite>>::encode(text, buf)
    }
}

impl Type<Postgres> for DbTime {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for DbTime {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

/// A UUID column on both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DbId(pub(crate) Uuid);

impl From<DbId> for Uuid {
    fn from(id: DbId) -> Uuid {
        id.0
    }
}

impl Type<Sqlite> for DbId {
    fn type_info() -> SqliteTypeInfo {
        <Hyphenated as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for DbId {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <Hyphenated as Encode<Sqlite>>::encode(self.0.hyphenated(), buf)
    }
}

impl Decode<'_, Sqlite> for DbId {
    fn decode(value: SqliteValueRef<'_>) -> Result<DbId, BoxDynError> {
        Ok(DbId(<Hyphenated as Decode<Sqlite>>::decode(value)?.into_uuid()))
    }
}

impl Type<Postgres> for DbId {
    fn type_info() -> PgTypeInfo {
        <Uuid as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for DbId {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <Uuid as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl Decode<'_, Postgres> for DbId {
    fn decode(value: PgValueRef<'_>) -> Result<DbId, BoxDynError> {
        Ok(DbId(<Uuid as Decode<Postgres>>::decode(value)?))
    }
}

/// A nullable UUID column, read into `Option<Uuid>` with `#[sqlx(try_from = "OptionalId")]`.
pub(crate) struct OptionalId(Option<DbId>);

impl From<OptionalId> for Option<Uuid> {
    fn from(id: OptionalId) -> Option<Uuid> {
        id.0.map(Uuid::from)
    }
}

impl<DB: sqlx::Database> Type<DB> for OptionalId
where
    DbId: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <DbId as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <DbId as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database> Decode<'r, DB> for OptionalId
where
    Option<DbId>: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<OptionalId, BoxDynError> {
        Ok(OptionalId(<Option<DbId> as Decode<'r, DB>>::decode(value)?))
    }
}

/// Starts a transaction that will write.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Db = Sqlite;
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = Postgres;
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// Now, to the microsecond (what PostgreSQL keeps), so both backends hand
/// back exactly what was written.
pub(crate) fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000).unwrap_or(now)
}

/// Whether `error` is a unique-constraint violation (an email or name taken).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}
