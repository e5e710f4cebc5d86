//! Who is asking: the authenticated clinic, person and permissions of a
//! request.
//!
//! Invariant: the tenant of every read and write is `Identity::clinic_id`;
//! no handler takes a clinic from a request body or path.

use uuid::Uuid;

use super::{Role, Scope, Scopes};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// A browser session cookie (writes also need the CSRF header).
    Session,
    /// An API token sent as `Authorization: Bearer …`.
    Token { token_id: Uuid },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub clinic_id: Uuid,
    /// `None` for an API token: it acts for the clinic, not for a person.
    pub user_id: Option<Uuid>,
    /// `None` for an API token: a token has scopes, never a role.
    pub role: Option<Role>,
    /// Every scope for a session (the role decides there); the token's own for a token.
    pub scopes: Scopes,
    pub via: AuthMethod,
}

impl Identity {
    pub fn session(clinic_id: Uuid, user_id: Uuid, role: Role) -> Identity {
        Identity {
            clinic_id,
            user_id: Some(user_id),
            role: Some(role),
            scopes: Scopes::all(),
            via: AuthMethod::Session,
        }
    }

    pub fn token(clinic_id: Uuid, token_id: Uuid, scopes: Scopes) -> Identity {
        Identity { clinic_id, user_id: None, role: None, scopes, via: AuthMethod::Token { token_id } }
    }

    /// The API token acting, if it is one.
    pub fn token_id(&self) -> Option<Uuid> {
        match self.via {
            AuthMethod::Token { token_id } => Some(token_id),
            AuthMethod::Session => None,
        }
    }

    pub fn has_scope(&self, scope: Scope) -> bool {
        self.scopes.contains(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_has_its_own_scopes_and_no_role() {
        let token = Identity::token(Uuid::nil(), Uuid::nil(), Scopes::all());
        assert!(token.role.is_none() && token.token_id() == Some(Uuid::nil()));
        assert!(token.has_scope(Scope::Production));
    }

    #[test]
    fn a_session_has_every_scope_and_its_role_decides() {
        let clinician = Identity::session(Uuid::nil(), Uuid::nil(), Role::Clinician);
        assert!(clinician.has_scope(Scope::Write));
        assert_eq!((clinician.role, clinician.token_id()), (Some(Role::Clinician), None));
    }
}
