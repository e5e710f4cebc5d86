//! A case's workflow status and the arches of a mouth.

use std::fmt;
use std::str::FromStr;

/// Where a case stands in production, in the order cases move through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    New,
    ModelsReady,
    Prepared,
    Printing,
    InProduction,
    Delivered,
    Cancelled,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::New,
        CaseStatus::ModelsReady,
        CaseStatus::Prepared,
        CaseStatus::Printing,
        CaseStatus::InProduction,
        CaseStatus::Delivered,
        CaseStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::ModelsReady => "models_ready",
            CaseStatus::Prepared => "prepared",
            CaseStatus::Printing => "printing",
            CaseStatus::InProduction => "in_production",
            CaseStatus::Delivered => "delivered",
            CaseStatus::Cancelled => "cancelled",
        }
    }
}

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

macro_rules! named_enum {
    ($type:ty, $all:expr, $what:literal) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $type {
            type Err = String;

            fn from_str(name: &str) -> Result<$type, String> {
                $all.into_iter().find(|value| value.as_str() == name).ok_or_else(|| {
                    let names: Vec<&str> = $all.iter().map(|value| value.as_str()).collect();
                    format!(concat!("`{}` is not ", $what, "; use one of {}"), name, names.join(", "))
                })
            }
        }

        impl TryFrom<String> for $type {
            type Error = String;

            fn try_from(name: String) -> Result<$type, String> {
                name.parse()
            }
        }
    };
}

named_enum!(CaseStatus, CaseStatus::ALL, "a case status");
named_enum!(Arch, [Arch::Upper, Arch::Lower], "an arch");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_valid() {
        for status in CaseStatus::ALL {
            assert_eq!(status.as_str().parse::<CaseStatus>(), Ok(status));
        }
        assert_eq!("lower".parse::<Arch>(), Ok(Arch::Lower));
        let error = "upside".parse::<Arch>().unwrap_err();
        assert_eq!(error, "`upside` is not an arch; use one of upper, lower");
    }
}
