//! What lets one repository function serve both backends: the `on_pool!`
//! macro (the same query code compiled once per backend), `DbId` (a UUID
//! stored as hyphenated text in SQLite and as `uuid` in PostgreSQL),
//! `DbTime` (a time SQLite can compare as text), and
//! `begin_write` (SQLite write transactions start `IMMEDIATE`, taking the
//! write lock up front instead of failing with "database is locked" when a
//! read transaction later tries to write).
//!
//! Writes that belong with another area's change (a webhook delivery
//! enqueued with the case that caused it) take a `TxOrDb`: the caller's
//! open transaction (`&mut *tx` inside its `on_pool!` body), so both commit
//! or neither does, or a `&Database`, in which they open their own.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgConnection, PgPool, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteConnection, SqlitePool, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Transaction, Type};
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;
use uuid::fmt::Hyphenated;

use super::Database;

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

/// Runs `$body` with `$conn` bound to the backend's `&mut` connection, like
/// `on_pool!` (write `&mut *$conn` for each query).
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::storage::Conn::Sqlite($c) => $body,
            $crate::storage::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_conn;

/// An open connection of either backend: in practice a caller's write
/// transaction, passed as `&mut *tx`.
#[derive(Debug)]
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl Conn<'_> {
    /// The same connection for a shorter while, to hand to one call and keep.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(connection) => Conn::Sqlite(connection),
            Conn::Postgres(connection) => Conn::Postgres(connection),
        }
    }
}

impl<'a> From<&'a mut SqliteConnection> for Conn<'a> {
    fn from(connection: &'a mut SqliteConnection) -> Conn<'a> {
        Conn::Sqlite(connection)
    }
}

impl<'a> From<&'a mut PgConnection> for Conn<'a> {
    fn from(connection: &'a mut PgConnection) -> Conn<'a> {
        Conn::Postgres(connection)
    }
}

/// Where a write goes: into the caller's open transaction (`&mut *tx`), so
/// that it commits or rolls back with the caller's own change, or into a
/// `&Database`, in a write transaction of its own.
#[derive(Debug)]
pub enum TxOrDb<'a> {
    Tx(Conn<'a>),
    Db(&'a Database),
}

impl<'a> From<&'a Database> for TxOrDb<'a> {
    fn from(db: &'a Database) -> TxOrDb<'a> {
        TxOrDb::Db(db)
    }
}

impl<'a> From<&'a mut SqliteConnection> for TxOrDb<'a> {
    fn from(connection: &'a mut SqliteConnection) -> TxOrDb<'a> {
        TxOrDb::Tx(Conn::Sqlite(connection))
    }
}

impl<'a> From<&'a mut PgConnection> for TxOrDb<'a> {
    fn from(connection: &'a mut PgConnection) -> TxOrDb<'a> {
        TxOrDb::Tx(Conn::Postgres(connection))
    }
}

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
