//! The rules for changing a person's account (name, role, disabled,
//! password) on behalf of an owner or admin: who may change whom, and what
//! would leave a clinic without anyone able to run it.
//!
//! **Invariant:** a clinic keeps at least one enabled owner.
//! **Invariant:** nobody disables or demotes themselves, nor resets their
//! own password without the current one.
//! **Invariant:** only an owner grants or takes away the owner role, or
//! changes an owner's account at all (an admin who could disable an owner
//! or reset their password could take the clinic over).

use std::fmt;

use uuid::Uuid;

use super::{Identity, Role};

pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// The name colleagues see: trimmed, 1 to 100 characters, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("the display name is empty; give the name colleagues know this person by")]
    Empty,
    #[error("the display name has {chars} characters; use at most {MAX_DISPLAY_NAME_CHARS}")]
    TooLong { chars: usize },
    #[error("the display name holds a control character (a line break or a tab); write it on one line")]
    ControlCharacter,
}

impl DisplayName {
    pub fn parse(text: &str) -> Result<DisplayName, DisplayNameError> {
        let name = text.trim();
        let chars = name.chars().count();
        if chars == 0 {
            return Err(DisplayNameError::Empty);
        }
        if chars > MAX_DISPLAY_NAME_CHARS {
            return Err(DisplayNameError::TooLong { chars });
        }
        if name.chars().any(char::is_control) {
            return Err(DisplayNameError::ControlCharacter);
        }
        Ok(DisplayName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a manager asks to change; `None` keeps a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountChange {
    pub display_name: Option<DisplayName>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

impl AccountChange {
    pub fn is_empty(&self) -> bool {
        self.display_name.is_none() && self.role.is_none() && self.disabled.is_none()
    }
}

/// An account as it is now: read in the transaction that changes it, so
/// that the rules are checked against what is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    pub user_id: Uuid,
    pub role: Role,
    pub disabled: bool,
}

impl AccountState {
    fn is_enabled_owner(self) -> bool {
        self.role == Role::Owner && !self.disabled
    }
}

/// A signed-in owner or admin: the only callers that change other accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Manager {
    pub user_id: Uuid,
    pub role: Role,
}

impl Manager {
    /// The person behind `identity` when they may manage accounts; an API
    /// token never may, whatever its scopes.
    pub fn of(identity: &Identity) -> Result<Manager, AccountRuleError> {
        match (identity.user_id, identity.role) {
            (Some(user_id), Some(role)) if role.can_manage_users() => Ok(Manager { user_id, role }),
            _ => Err(AccountRuleError::NotAManager),
        }
    }

    /// Who to ask for a change one may not make to one's own account.
    fn ask_instead(self) -> &'static str {
        if self.role == Role::Owner { "another owner" } else { "an owner or another admin" }
    }
}

/// Why a change is refused. The first three are about who asks (403);
/// the others about the state it would leave (409).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountRuleError {
    #[error("only a signed-in owner or admin can change people's accounts")]
    NotAManager,
    #[error("only an owner can change an owner's account; ask an owner of your clinic")]
    OwnerAccount,
    #[error("only an owner can make someone an owner; ask an owner of your clinic")]
    GrantOwner,
    #[error(
        "the clinic must keep at least one enabled owner; make another person an owner first, then change this account"
    )]
    LastOwner,
    #[error("you cannot disable your own account; ask {ask} to do it")]
    DisableSelf { ask: &'static str },
    #[error("you cannot change your own role; ask {ask} to do it")]
    ChangeOwnRole { ask: &'static str },
    #[error(
        "change your own password with POST /api/v1/me/password, which asks for the current one; \
         a reset is for other people's accounts"
    )]
    ResetOwnPassword,
}

/// Whether `manager` may apply `change` to `target`, given how many enabled
/// owners the clinic has now (`target` included).
pub fn check_change(
    manager: Manager,
    target: AccountState,
    change: &AccountChange,
    enabled_owners: u64,
) -> Result<(), AccountRuleError> {
    if !manager.role.can_manage_users() {
        return Err(AccountRuleError::NotAManager);
    }
    if target.role == Role::Owner && manager.role != Role::Owner {
        return Err(AccountRuleError::OwnerAccount);
    }
    if change.role == Some(Role::Owner) && !manager.role.can_assign(Role::Owner) {
        return Err(AccountRuleError::GrantOwner);
    }
    let after = AccountState {
        user_id: target.user_id,
        role: change.role.unwrap_or(target.role),
        disabled: change.disabled.unwrap_or(target.disabled),
    };
    // Checked before the rules about oneself: a sole owner demoting
    // themselves learns what to do (make another owner) rather than whom to ask.
    if target.is_enabled_owner() && !after.is_enabled_owner() && enabled_owners <= 1 {
        return Err(AccountRuleError::LastOwner);
    }
    if target.user_id == manager.user_id {
        if after.disabled && !target.disabled {
            return Err(AccountRuleError::DisableSelf { ask: manager.ask_instead() });
        }
        if after.role != target.role {
            return Err(AccountRuleError::ChangeOwnRole { ask: manager.ask_instead() });
        }
    }
    Ok(())
}

/// Whether `manager` may set a new password for `target` without knowing
/// the current one.
pub fn check_password_reset(manager: Manager, target: AccountState) -> Result<(), AccountRuleError> {
    if !manager.role.can_manage_users() {
        return Err(AccountRuleError::NotAManager);
    }
    if target.user_id == manager.user_id {
        return Err(AccountRuleError::ResetOwnPassword);
    }
    if target.role == Role::Owner && manager.role != Role::Owner {
        return Err(AccountRuleError::OwnerAccount);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);

    fn manager(role: Role) -> Manager {
        Manager { user_id: ME, role }
    }

    fn account(user_id: Uuid, role: Role, disabled: bool) -> AccountState {
        AccountState { user_id, role, disabled }
    }

    fn change(role: Option<Role>, disabled: Option<bool>) -> AccountChange {
        AccountChange { display_name: None, role, disabled }
    }

    /// `check_change` for one case, as the error's name or `ok`.
    fn check(by: Role, target: AccountState, role: Option<Role>, disabled: Option<bool>, owners: u64) -> String {
        match check_change(manager(by), target, &change(role, disabled), owners) {
            Ok(()) => "ok".to_owned(),
            Err(error) => format!("{error:?}"),
        }
    }

    #[test]
    fn only_an_owner_grants_takes_or_touches_the_owner_role() {
        use Role::*;
        assert_eq!(check(Owner, account(OTHER, Clinician, false), Some(Owner), None, 1), "ok");
        assert_eq!(check(Admin, account(OTHER, Clinician, false), Some(Owner), None, 1), "GrantOwner");
        assert_eq!(check(Admin, account(OTHER, Owner, false), Some(Admin), None, 2), "OwnerAccount");
        assert_eq!(check(Admin, account(OTHER, Owner, false), None, Some(true), 2), "OwnerAccount");
        assert_eq!(check(Admin, account(OTHER, Clinician, false), Some(Technician), Some(true), 1), "ok");
        assert_eq!(check(Owner, account(OTHER, Owner, false), Some(Admin), None, 2), "ok");
    }

    #[test]
    fn the_last_enabled_owner_stays_an_enabled_owner() {
        use Role::*;
        assert_eq!(check(Owner, account(ME, Owner, false), Some(Admin), None, 1), "LastOwner");
        assert_eq!(check(Owner, account(ME, Owner, false), None, Some(true), 1), "LastOwner");
        // Another owner may go while one remains…
        assert_eq!(check(Owner, account(OTHER, Owner, false), None, Some(true), 2), "ok");
        // …and a disabled owner is not one of those that count.
        assert_eq!(check(Owner, account(OTHER, Owner, true), Some(Clinician), None, 1), "ok");
        assert_eq!(check(Owner, account(ME, Owner, false), Some(Owner), Some(false), 1), "ok");
    }

    #[test]
    fn nobody_disables_or_demotes_themselves() {
        use Role::*;
        assert_eq!(
            check(Owner, account(ME, Owner, false), None, Some(true), 2),
            "DisableSelf { ask: \"another owner\" }"
        );
        assert_eq!(
            check(Admin, account(ME, Admin, false), Some(Clinician), None, 1),
            "ChangeOwnRole { ask: \"an owner or another admin\" }"
        );
        assert_eq!(check(Admin, account(ME, Admin, false), Some(Admin), Some(false), 1), "ok");
        let rename = AccountChange { display_name: Some(DisplayName::parse("Ana B.").unwrap()), ..Default::default() };
        assert_eq!(check_change(manager(Admin), account(ME, Admin, false), &rename, 1), Ok(()));
    }

    #[test]
    fn clinicians_and_technicians_change_no_accounts() {
        for role in [Role::Clinician, Role::Technician] {
            assert_eq!(check(role, account(OTHER, Role::Technician, false), None, Some(true), 1), "NotAManager");
            let reset = check_password_reset(manager(role), account(OTHER, Role::Technician, false));
            assert_eq!(reset, Err(AccountRuleError::NotAManager));
        }
    }

    #[test]
    fn a_reset_is_for_someone_else_and_an_owners_only_by_an_owner() {
        use Role::*;
        assert_eq!(check_password_reset(manager(Admin), account(OTHER, Clinician, false)), Ok(()));
        assert_eq!(
            check_password_reset(manager(Admin), account(ME, Admin, false)),
            Err(AccountRuleError::ResetOwnPassword)
        );
        assert_eq!(
            check_password_reset(manager(Admin), account(OTHER, Owner, false)),
            Err(AccountRuleError::OwnerAccount)
        );
        assert_eq!(check_password_reset(manager(Owner), account(OTHER, Owner, true)), Ok(()));
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ana Smith ").unwrap().as_str(), "Ana Smith");
        assert_eq!(DisplayName::parse("   "), Err(DisplayNameError::Empty));
        assert_eq!(DisplayName::parse(&"é".repeat(101)), Err(DisplayNameError::TooLong { chars: 101 }));
        assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(DisplayName::parse("Ana\nSmith"), Err(DisplayNameError::ControlCharacter));
    }

    #[test]
    fn a_token_is_never_a_manager() {
        let token = Identity::token(OTHER, OTHER, crate::domain::Scopes::all());
        assert_eq!(Manager::of(&token), Err(AccountRuleError::NotAManager));
        let clinician = Identity::session(OTHER, ME, Role::Clinician);
        assert_eq!(Manager::of(&clinician), Err(AccountRuleError::NotAManager));
        assert_eq!(Manager::of(&Identity::session(OTHER, ME, Role::Admin)), Ok(manager(Role::Admin)));
    }
}
