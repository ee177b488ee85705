//! Where a store lives: an SQLite file or a PostgreSQL database.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A store's location, from `--db` / `MARSAD_DB`: a `postgres://` or
/// `postgresql://` URL means PostgreSQL, anything else is an SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite database file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (the database must exist; PostGIS must be
    /// available to it).
    Postgres(String),
}

impl Location {
    /// The SQLite file, if this is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }
}

impl FromStr for Location {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(
            if s.starts_with("postgres://") || s.starts_with("postgresql://") {
                Location::Postgres(s.to_string())
            } else {
                Location::Sqlite(PathBuf::from(s))
            },
        )
    }
}

impl From<&Path> for Location {
    fn from(p: &Path) -> Self {
        Location::Sqlite(p.to_path_buf())
    }
}

impl From<&PathBuf> for Location {
    fn from(p: &PathBuf) -> Self {
        Location::Sqlite(p.clone())
    }
}

impl From<PathBuf> for Location {
    fn from(p: PathBuf) -> Self {
        Location::Sqlite(p)
    }
}

impl From<&Location> for Location {
    fn from(l: &Location) -> Self {
        l.clone()
    }
}

/// The file, or the URL without its password: locations are printed in
/// errors and logs.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn urls_are_postgres_and_anything_else_a_file() {
        let pg: Location = "postgres://marsad@db.internal/marsad".parse().unwrap();
        assert!(matches!(pg, Location::Postgres(_)));
        let pg2: Location = "postgresql:///marsad?host=/run/pg".parse().unwrap();
        assert!(matches!(pg2, Location::Postgres(_)));
        let file: Location = "data/postgres.db".parse().unwrap();
        assert_eq!(file.path(), Some(Path::new("data/postgres.db")));
    }

    #[test]
    fn passwords_are_never_printed() {
        let l: Location = "postgres://marsad:s3cret@db:5432/m".parse().unwrap();
        assert_eq!(l.to_string(), "postgres://marsad:***@db:5432/m");
        assert!(!format!("{l:?}").contains("s3cret"));
    }
}
