//! What an API token may do. A signed-in person has every scope; their
//! role decides instead.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Read cases, files and reports.
    Read,
    /// Create and change cases and files.
    Write,
    /// Run production: plates, print jobs, printers.
    Production,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Production];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Production => "production",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Scope::Read => 1,
            Scope::Write => 2,
            Scope::Production => 4,
        }
    }
}

/// A set of scopes, written as a comma-separated list in `Scope::ALL` order
/// (`read,write`) in the database and on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scopes(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopesError {
    #[error("`{0}` is not a scope; use read, write or production")]
    Unknown(String),
    #[error("a token needs at least one scope (read, write or production)")]
    Empty,
}

impl Scopes {
    pub fn all() -> Scopes {
        Scopes::from_iter(Scope::ALL)
    }

    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |scope| self.contains(*scope))
    }

    /// Parses names (`["read", "write"]`); at least one, each known.
    pub fn parse_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Scopes, ScopesError> {
        let mut scopes = Scopes::default();
        for name in names {
            let name = name.trim();
            let scope = Scope::from_str(name).map_err(|_| ScopesError::Unknown(name.to_owned()))?;
            scopes.0 |= scope.bit();
        }
        if scopes.is_empty() { Err(ScopesError::Empty) } else { Ok(scopes) }
    }

    pub fn names(self) -> Vec<String> {
        self.iter().map(|scope| scope.as_str().to_owned()).collect()
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Scopes {
        Scopes(scopes.into_iter().fold(0, |bits, scope| bits | scope.bit()))
    }
}

impl FromStr for Scope {
    type Err = ScopesError;

    fn from_str(text: &str) -> Result<Scope, ScopesError> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text).ok_or_else(|| ScopesError::Unknown(text.to_owned()))
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(","))
    }
}

impl fmt::Debug for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scopes({self})")
    }
}

impl TryFrom<String> for Scopes {
    type Error = ScopesError;

    fn try_from(text: String) -> Result<Scopes, ScopesError> {
        Scopes::parse_names(text.split(','))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_written_in_a_fixed_order() {
        let scopes = Scopes::parse_names(["production", "read"]).unwrap();
        assert_eq!(scopes.to_string(), "read,production");
        assert_eq!(Scopes::try_from(scopes.to_string()), Ok(scopes));
        assert!(scopes.contains(Scope::Read) && !scopes.contains(Scope::Write));
    }

    #[test]
    fn unknown_and_empty_scope_lists_are_refused() {
        assert_eq!(Scopes::parse_names(["read", "admin"]), Err(ScopesError::Unknown("admin".into())));
        assert_eq!(Scopes::parse_names([]), Err(ScopesError::Empty));
    }
}
