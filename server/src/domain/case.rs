//! The arches of a mouth, and a case's workflow status (shared with the
//! client through `trayforge-wire`).

use std::fmt;
use std::str::FromStr;

pub use trayforge_wire::CaseStatus;

/// The upper (maxillary) or lower (mandibular) arch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    Upper,
    Lower,
}

impl Arch {
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::Upper => "upper",
            Arch::Lower => "lower",
        }
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Arch {
    type Err = String;

    fn from_str(name: &str) -> Result<Arch, String> {
        match name {
            "upper" => Ok(Arch::Upper),
            "lower" => Ok(Arch::Lower),
            other => Err(format!("`{other}` is not an arch; use one of upper, lower")),
        }
    }
}

impl TryFrom<String> for Arch {
    type Error = String;

    fn try_from(name: String) -> Result<Arch, String> {
        name.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arches_round_trip_and_unknown_ones_list_the_valid() {
        assert_eq!("upper".parse::<Arch>(), Ok(Arch::Upper));
        assert_eq!("lower".parse::<Arch>(), Ok(Arch::Lower));
        let error = "upside".parse::<Arch>().unwrap_err();
        assert_eq!(error, "`upside` is not an arch; use one of upper, lower");
    }
}
