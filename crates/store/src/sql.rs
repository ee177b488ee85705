//! One SQL text for both backends: the small dialect adapter every query
//! goes through, and the row reading they share.
//!
//! A query is written once, in PostgreSQL's placeholder style (`$1`), with
//! a few `@` forms for what the two dialects spell differently:
//!
//! | written | SQLite | PostgreSQL |
//! |---|---|---|
//! | `$N` | `?N` | `$N` |
//! | `@any($N)` | `IN (SELECT value FROM json_each(?N))` | `= ANY($N)` |
//! | `@ids_in_order($N)` | `json_each` rows `(id, n)` named `asked` | `unnest … WITH ORDINALITY AS asked(id, n)` |
//! | `@next_change` | the next number after the largest | `nextval('incident_changes')` |
//! | `@rowid_or(x.rowid, y)` | `x.rowid` | `y` |
//!
//! Values are bound through [`Value`], which each driver converts to the
//! column type the server expects (PostgreSQL's `date`, `smallint` and
//! `timestamptz`, SQLite's text and integers), and rows are read through
//! [`Row`], which hides the same differences on the way back.

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Error, Result};

/// The two dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A query's text, written once and rendered for each dialect on first use.
pub(crate) struct Query {
    text: &'static str,
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
}

impl Query {
    pub(crate) const fn new(text: &'static str) -> Self {
        Query {
            text,
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    /// The text for `dialect`.
    pub(crate) fn text(&self, dialect: Dialect) -> &str {
        match dialect {
            Dialect::Sqlite => self.sqlite.get_or_init(|| render(self.text, dialect)),
            Dialect::Postgres => self.postgres.get_or_init(|| render(self.text, dialect)),
        }
    }
}

/// Rewrites placeholders and `@` forms for `dialect` (see the module's
/// table).
fn render(text: &str, dialect: Dialect) -> String {
    let sqlite = dialect == Dialect::Sqlite;
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find(['$', '@']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(digits) = rest.strip_prefix('$') {
            let n = digits.len()
                - digits
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            out.push(if sqlite { '?' } else { '$' });
            out.push_str(&digits[..n]);
            rest = &digits[n..];
            continue;
        }
        let (form, arg, after) = form(rest);
        let param = || render(arg, dialect);
        let written = match (form, sqlite) {
            ("any", true) => format!("IN (SELECT value FROM json_each({}))", param()),
            ("any", false) => format!("= ANY({})", param()),
            ("ids_in_order", true) => format!(
                "(SELECT value AS id, key AS n FROM json_each({})) AS asked",
                param()
            ),
            ("ids_in_order", false) => format!(
                "unnest({}::text[]) WITH ORDINALITY AS asked(id, n)",
                param()
            ),
            ("next_change", true) => {
                "(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM incidents)".into()
            }
            ("next_change", false) => "nextval('incident_changes')".into(),
            ("rowid_or", _) => {
                let (rowid, other) = arg.split_once(',').unwrap_or((arg, arg));
                if sqlite { rowid } else { other }.trim().to_string()
            }
            // Not a form (an `@` inside a string): kept as written.
            _ => {
                out.push('@');
                rest = &rest[1..];
                continue;
            }
        };
        out.push_str(&written);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Splits `@name(arg)rest` (or `@name rest`) into its parts.
fn form(s: &str) -> (&str, &str, &str) {
    let body = &s[1..];
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (name, after) = body.split_at(end);
    match after.strip_prefix('(').and_then(|a| a.split_once(')')) {
        Some((arg, rest)) => (name, arg, rest),
        None => (name, "", after),
    }
}

/// A value bound to a query.
#[derive(Debug, Clone)]
pub(crate) enum Value<'a> {
    Null,
    Text(&'a str),
    Int(i64),
    Real(f64),
    Date(NaiveDate),
    /// A moment: `timestamptz` on PostgreSQL, RFC 3339 text (to the
    /// second, as SQLite's columns hold it) elsewhere.
    Time(DateTime<Utc>),
    /// A list, for `@any` and `@ids_in_order`: an array on PostgreSQL, a
    /// JSON array on SQLite.
    Texts(Vec<&'a str>),
    /// A list of numbers (PostgreSQL's merge lookup).
    Ints(Vec<i32>),
}

/// Moments as SQLite stores them.
pub(crate) fn time_text(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(v)
    }
}
impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(v)
    }
}
impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u32> for Value<'_> {
    fn from(v: u32) -> Self {
        Value::Int(v.into())
    }
}
impl From<u64> for Value<'_> {
    fn from(v: u64) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<usize> for Value<'_> {
    fn from(v: usize) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<u8> for Value<'_> {
    fn from(v: u8) -> Self {
        Value::Int(v.into())
    }
}
impl From<f32> for Value<'_> {
    fn from(v: f32) -> Self {
        Value::Real(v.into())
    }
}
impl From<f64> for Value<'_> {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<NaiveDate> for Value<'_> {
    fn from(v: NaiveDate) -> Self {
        Value::Date(v)
    }
}
impl From<DateTime<Utc>> for Value<'_> {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Time(v)
    }
}

/// The values of a query, each converted with [`Value::from`].
macro_rules! values {
    ($($v:expr),* $(,)?) => {
        &[$($crate::sql::Value::from($v)),*][..]
    };
}
pub(crate) use values;

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value as V, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Int(n) => ToSqlOutput::Owned(V::Integer(*n)),
            Value::Real(x) => ToSqlOutput::Owned(V::Real(*x)),
            Value::Date(d) => ToSqlOutput::Owned(V::Text(d.to_string())),
            Value::Time(t) => ToSqlOutput::Owned(V::Text(time_text(t))),
            Value::Texts(v) => ToSqlOutput::Owned(V::Text(json_list(v)?)),
            Value::Ints(v) => ToSqlOutput::Owned(V::Text(json_list(v)?)),
        })
    }
}

fn json_list<T: serde::Serialize>(v: &[T]) -> rusqlite::Result<String> {
    serde_json::to_string(v).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

impl postgres::types::ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::{IsNull, Type};
        // Each value goes out as the type the server expects of this
        // parameter, checked by the driver's own conversion.
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Text(s) => s.to_sql_checked(ty, out),
            Value::Int(n) => match *ty {
                Type::INT2 => i16::try_from(*n)?.to_sql_checked(ty, out),
                Type::INT4 => i32::try_from(*n)?.to_sql_checked(ty, out),
                _ => n.to_sql_checked(ty, out),
            },
            Value::Real(x) => match *ty {
                Type::FLOAT4 => (*x as f32).to_sql_checked(ty, out),
                _ => x.to_sql_checked(ty, out),
            },
            Value::Date(d) => d.to_sql_checked(ty, out),
            Value::Time(t) => match *ty {
                Type::TIMESTAMPTZ => t.to_sql_checked(ty, out),
                _ => time_text(t).to_sql_checked(ty, out),
            },
            Value::Texts(v) => v.to_sql_checked(ty, out),
            Value::Ints(v) => v.to_sql_checked(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A row as both backends read it: column `i`, NULL as `None`.
pub(crate) trait Row {
    fn text(&self, i: usize) -> Result<Option<&str>>;
    fn int(&self, i: usize) -> Result<Option<i64>>;
    fn real(&self, i: usize) -> Result<Option<f64>>;
    /// A day: PostgreSQL's `date`, SQLite's ISO text (an unreadable one
    /// reads as none, as it always has).
    fn date(&self, i: usize) -> Result<Option<NaiveDate>>;
    /// A moment as RFC 3339 text to the second (PostgreSQL's
    /// `timestamptz`, SQLite's text as written).
    fn time(&self, i: usize) -> Result<Option<String>>;
    fn flag(&self, i: usize) -> Result<bool>;
}

/// What the shared readers ask of a row, NULL refused.
pub(crate) trait RowExt: Row {
    fn str(&self, i: usize) -> Result<&str> {
        self.text(i)?.ok_or_else(|| null(i))
    }
    fn string(&self, i: usize) -> Result<String> {
        self.str(i).map(str::to_string)
    }
    fn opt_string(&self, i: usize) -> Result<Option<String>> {
        Ok(self.text(i)?.map(str::to_string))
    }
    fn i64(&self, i: usize) -> Result<i64> {
        self.int(i)?.ok_or_else(|| null(i))
    }
    /// A count: NULL is refused, a negative one reads as 0.
    fn count(&self, i: usize) -> Result<u64> {
        Ok(u64::try_from(self.i64(i)?).unwrap_or(0))
    }
    fn opt_u32(&self, i: usize) -> Result<Option<u32>> {
        Ok(self.int(i)?.and_then(|n| u32::try_from(n).ok()))
    }
    fn f64(&self, i: usize) -> Result<f64> {
        self.real(i)?.ok_or_else(|| null(i))
    }
}

impl<R: Row + ?Sized> RowExt for R {}

fn null(i: usize) -> Error {
    Error::Corrupt {
        column: "(a column that may not be NULL)",
        message: format!("column {i} is NULL"),
    }
}

impl Row for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<Option<&str>> {
        let value = self.get_ref(i)?;
        Ok(value.as_str_or_null().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), Box::new(e))
        })?)
    }
    fn int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.get(i)?)
    }
    fn real(&self, i: usize) -> Result<Option<f64>> {
        Ok(self.get(i)?)
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>> {
        // `FromStr` reads ISO dates without parsing a format string each time.
        Ok(self.text(i)?.and_then(|s| s.parse().ok()))
    }
    fn time(&self, i: usize) -> Result<Option<String>> {
        Ok(self.text(i)?.map(str::to_string))
    }
    fn flag(&self, i: usize) -> Result<bool> {
        Ok(self.get(i)?)
    }
}

impl Row for postgres::Row {
    fn text(&self, i: usize) -> Result<Option<&str>> {
        Ok(self.try_get(i)?)
    }
    fn int(&self, i: usize) -> Result<Option<i64>> {
        use postgres::types::Type;
        Ok(match *self.columns()[i].type_() {
            Type::INT2 => self.try_get::<_, Option<i16>>(i)?.map(i64::from),
            Type::INT4 => self.try_get::<_, Option<i32>>(i)?.map(i64::from),
            _ => self.try_get(i)?,
        })
    }
    fn real(&self, i: usize) -> Result<Option<f64>> {
        use postgres::types::Type;
        Ok(match *self.columns()[i].type_() {
            Type::FLOAT4 => self.try_get::<_, Option<f32>>(i)?.map(f64::from),
            _ => self.try_get(i)?,
        })
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>> {
        Ok(self.try_get(i)?)
    }
    fn time(&self, i: usize) -> Result<Option<String>> {
        use postgres::types::Type;
        Ok(match *self.columns()[i].type_() {
            Type::TIMESTAMPTZ => self
                .try_get::<_, Option<DateTime<Utc>>>(i)?
                .map(|t| time_text(&t)),
            _ => self.try_get(i)?,
        })
    }
    fn flag(&self, i: usize) -> Result<bool> {
        Ok(self.try_get(i)?)
    }
}

/// A connection or transaction of either backend, as the shared queries
/// use it.
pub(crate) trait Db {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; the rows it changed.
    fn execute(&mut self, q: &Query, params: &[Value<'_>]) -> Result<u64>;
    /// Calls `f` with each row, as the rows arrive.
    fn each(
        &mut self,
        q: &Query,
        params: &[Value<'_>],
        f: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()>;
}

/// Reading helpers over [`Db::each`].
pub(crate) trait DbExt: Db {
    /// Every row, read by `f`.
    fn rows<T>(
        &mut self,
        q: &Query,
        params: &[Value<'_>],
        mut f: impl FnMut(&dyn Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(q, params, &mut |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, if any, read by `f`.
    fn first<T>(
        &mut self,
        q: &Query,
        params: &[Value<'_>],
        f: impl FnOnce(&dyn Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.each(q, params, &mut |r| {
            if let Some(f) = f.take() {
                out = Some(f(r)?);
            }
            Ok(())
        })?;
        Ok(out)
    }
}

impl<D: Db + ?Sized> DbExt for D {}

/// An SQLite connection (or transaction, which derefs to one).
pub(crate) struct Sqlite<'c>(pub &'c rusqlite::Connection);

impl Db for Sqlite<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, q: &Query, params: &[Value<'_>]) -> Result<u64> {
        let mut stmt = self.0.prepare_cached(q.text(Dialect::Sqlite))?;
        Ok(stmt.execute(rusqlite::params_from_iter(params))? as u64)
    }

    fn each(
        &mut self,
        q: &Query,
        params: &[Value<'_>],
        f: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.0.prepare_cached(q.text(Dialect::Sqlite))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(r) = rows.next()? {
            f(r)?;
        }
        Ok(())
    }
}

/// A PostgreSQL client or transaction.
pub(crate) struct Postgres<'c, C>(pub &'c mut C);

impl<C: postgres::GenericClient> Db for Postgres<'_, C> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, q: &Query, params: &[Value<'_>]) -> Result<u64> {
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        Ok(self.0.execute(q.text(Dialect::Postgres), &params)?)
    }

    fn each(
        &mut self,
        q: &Query,
        params: &[Value<'_>],
        f: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        // Rows stream from the server as they are read, not all at once.
        let mut rows = self.0.query_raw(q.text(Dialect::Postgres), params.iter())?;
        while let Some(r) = rows.next()? {
            f(&r)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_text_renders_for_each_dialect() {
        let q = Query::new(
            "SELECT id FROM @ids_in_order($1) JOIN t USING (id) WHERE type @any($2) \
             AND seq = @next_change AND x = '@' ORDER BY @rowid_or(s.rowid, s.start_at), $10",
        );
        assert_eq!(
            q.text(Dialect::Sqlite),
            "SELECT id FROM (SELECT value AS id, key AS n FROM json_each(?1)) AS asked JOIN t USING (id) \
             WHERE type IN (SELECT value FROM json_each(?2)) \
             AND seq = (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM incidents) AND x = '@' ORDER BY s.rowid, ?10"
        );
        assert_eq!(
            q.text(Dialect::Postgres),
            "SELECT id FROM unnest($1::text[]) WITH ORDINALITY AS asked(id, n) JOIN t USING (id) \
             WHERE type = ANY($2) AND seq = nextval('incident_changes') AND x = '@' ORDER BY s.start_at, $10"
        );
    }
}
