//! A user's role in their clinic, and what each role may do.

use std::fmt;
use std::str::FromStr;

/// Stored as its lower-case name (`owner`, `admin`, `clinician`, `technician`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Made with the clinic; everything an admin may do, and making owners.
    Owner,
    /// Manages the clinic's users and API tokens.
    Admin,
    /// Treats patients: cases, stages, files.
    Clinician,
    /// Prepares and prints models.
    Technician,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Clinician, Role::Technician];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Clinician => "clinician",
            Role::Technician => "technician",
        }
    }

    /// Manage the clinic: its people, API tokens and webhooks, and read its
    /// audit log (see `domain::Access`).
    pub fn can_manage_users(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Whether this role may give `role` to a new user: only an owner makes owners.
    pub fn can_assign(self, role: Role) -> bool {
        self.can_manage_users() && (role != Role::Owner || self == Role::Owner)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role; use owner, admin, clinician or technician")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Role, UnknownRole> {
        Role::ALL.into_iter().find(|role| role.as_str() == text).ok_or_else(|| UnknownRole(text.to_owned()))
    }
}

impl TryFrom<String> for Role {
    type Error = UnknownRole;

    fn try_from(text: String) -> Result<Role, UnknownRole> {
        text.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("Owner".parse::<Role>().is_err());
    }

    #[test]
    fn only_owners_and_admins_manage_people_and_tokens() {
        let managers: Vec<Role> = Role::ALL.into_iter().filter(|r| r.can_manage_users()).collect();
        assert_eq!(managers, [Role::Owner, Role::Admin]);
    }

    #[test]
    fn only_an_owner_makes_owners() {
        assert!(Role::Owner.can_assign(Role::Owner));
        assert!(!Role::Admin.can_assign(Role::Owner));
        assert!(Role::Admin.can_assign(Role::Admin));
        assert!(!Role::Clinician.can_assign(Role::Technician));
    }
}
