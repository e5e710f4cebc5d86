//! Secrets and their hashes: passwords through argon2id (default
//! parameters), session, CSRF and API tokens as 32 random bytes in
//! base64url, kept only as their SHA-256.
//!
//! Invariant: no secret is stored in clear. Tokens are high-entropy, so a
//! fast hash is enough for them; passwords are not, so they get argon2.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash as PhcHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::Password;

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the system's random source failed: {0}")]
    Random(String),
    #[error("cannot hash the password: {0}")]
    Hashing(String),
}

/// A PHC string (`$argon2id$v=19$…`) as stored in `users.password_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash(pub String);

impl PasswordHash {
    /// Slow on purpose (tens of milliseconds): call it off the async threads.
    pub fn new(password: &Password) -> Result<PasswordHash, CredentialError> {
        let hash = Argon2::default()
            .hash_password(password.expose().as_bytes())
            .map_err(|e| CredentialError::Hashing(e.to_string()))?;
        Ok(PasswordHash(hash.to_string()))
    }

    /// Whether `password` matches. A stored hash that does not parse matches nothing.
    pub fn verify(&self, password: &str) -> bool {
        match PhcHash::new(&self.0) {
            Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        }
    }

    /// A hash of a random password, verified against when the email is
    /// unknown so that an unknown account costs the same time as a wrong
    /// password and the answer does not tell which it was.
    pub fn dummy() -> &'static PasswordHash {
        static DUMMY: OnceLock<PasswordHash> = OnceLock::new();
        DUMMY.get_or_init(|| {
            let password = SecretToken::generate()
                .ok()
                .and_then(|secret| Password::parse(secret.expose()).ok())
                .and_then(|password| PasswordHash::new(&password).ok());
            // Without randomness the dummy is still a valid hash of something no one types.
            password.unwrap_or_else(|| PasswordHash(FALLBACK_DUMMY.to_owned()))
        })
    }
}

/// argon2id, default parameters, of a password no one knows.
const FALLBACK_DUMMY: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZbMPvaUaM0j4O8bkfVX5wtNWqiN8mgWbbWBs6eJi9Jo";

/// A fresh secret: 32 random bytes, base64url without padding (43 characters).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    pub fn generate() -> Result<SecretToken, CredentialError> {
        Ok(SecretToken(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(…)")
    }
}

/// A strong password for a person to type once and change: 18 random bytes
/// in base64url (24 characters, 144 bits).
pub fn generate_password() -> Result<Password, CredentialError> {
    let text = URL_SAFE_NO_PAD.encode(random_bytes::<18>()?);
    Password::parse(&text).map_err(|e| CredentialError::Hashing(e.to_string()))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], CredentialError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| CredentialError::Random(e.to_string()))?;
    Ok(bytes)
}

/// The SHA-256 of a token, in lower-case hex: what the database keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(pub String);

impl TokenHash {
    /// Hashes a token as presented by a client (any text).
    pub fn of(token: &str) -> TokenHash {
        let digest = Sha256::digest(token.as_bytes());
        TokenHash(digest.iter().map(|byte| format!("{byte:02x}")).collect())
    }

    /// Compares without stopping at the first differing byte.
    pub fn matches(&self, other: &TokenHash) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl From<String> for TokenHash {
    /// Trusts that `hex` is a stored hash: for reading the database.
    fn from(hex: String) -> TokenHash {
        TokenHash(hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_base64url_characters_and_differ() {
        let (a, b) = (SecretToken::generate().unwrap(), SecretToken::generate().unwrap());
        assert_eq!(a.expose().len(), 43);
        assert!(a.expose().bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a, b);
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(TokenHash::of("abc").0, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(TokenHash::of("abc").matches(&TokenHash::of("abc")));
        assert!(!TokenHash::of("abc").matches(&TokenHash::of("abd")));
    }

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let password = Password::parse("correct horse battery").unwrap();
        let hash = PasswordHash::new(&password).unwrap();
        assert!(hash.0.starts_with("$argon2id$"));
        assert!(hash.verify("correct horse battery"));
        assert!(!hash.verify("correct horse battery!"));
        assert!(!PasswordHash::dummy().verify("correct horse battery"));
    }

    #[test]
    fn generated_passwords_meet_the_rules() {
        assert_eq!(generate_password().unwrap().expose().len(), 24);
    }
}
