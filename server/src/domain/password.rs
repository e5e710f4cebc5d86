//! The rules a new password must meet. Length is the rule that matters
//! (NIST SP 800-63B): no composition rules, no maximum a person would hit.

use std::fmt;

pub const MIN_PASSWORD_CHARS: usize = 12;
/// Bounds the hashing work a request can ask for.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A password that meets the rules. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password has {chars} characters; use at least {MIN_PASSWORD_CHARS}")]
    TooShort { chars: usize },
    #[error("the password is longer than {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
}

impl Password {
    pub fn parse(text: &str) -> Result<Password, PasswordError> {
        let chars = text.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort { chars });
        }
        if text.len() > MAX_PASSWORD_BYTES {
            return Err(PasswordError::TooLong);
        }
        Ok(Password(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_characters_are_enough_and_eleven_are_not() {
        assert!(Password::parse("correcthorse").is_ok());
        let error = Password::parse("correcthors").unwrap_err();
        assert_eq!(error.to_string(), "the password has 11 characters; use at least 12");
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        assert_eq!(Password::parse("ääääääääää").unwrap_err(), PasswordError::TooShort { chars: 10 });
    }

    #[test]
    fn debug_hides_the_password() {
        let password = Password::parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
