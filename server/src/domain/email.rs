//! An email address as the server keeps it: trimmed and lower-cased, so
//! that `Ana@Clinic.example` and `ana@clinic.example` are one account.

use std::fmt;

/// Invariant: lower case, no surrounding spaces, one `@` between a
/// non-empty local part and a domain with a dot, at most 254 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the email address is empty")]
    Empty,
    #[error("the email address is longer than 254 characters")]
    TooLong,
    #[error("`{0}` is not an email address; write it as name@example.com")]
    Malformed(String),
}

impl Email {
    pub fn parse(text: &str) -> Result<Email, EmailError> {
        let email = text.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let malformed = || EmailError::Malformed(text.trim().to_owned());
        let (local, domain) = email.split_once('@').ok_or_else(malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !domain.contains("..");
        if local.is_empty() || !domain_ok || email.chars().any(char::is_whitespace) {
            return Err(malformed());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(text: String) -> Result<Email, EmailError> {
        Email::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, EmailError>) {
        assert_eq!(Email::parse(input).as_ref().map(Email::as_str).map_err(Clone::clone), expected, "{input:?}");
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        check(" Ana@Clinic.Example ", Ok("ana@clinic.example"));
        check("a@b.c", Ok("a@b.c"));
    }

    #[test]
    fn malformed_emails_are_refused() {
        check("", Err(EmailError::Empty));
        check("ana", Err(EmailError::Malformed("ana".into())));
        check("@clinic.example", Err(EmailError::Malformed("@clinic.example".into())));
        check("ana@localhost", Err(EmailError::Malformed("ana@localhost".into())));
        check("ana@@clinic.example", Err(EmailError::Malformed("ana@@clinic.example".into())));
        check("an a@clinic.example", Err(EmailError::Malformed("an a@clinic.example".into())));
        check(&format!("{}@b.c", "a".repeat(260)), Err(EmailError::TooLong));
    }
}
