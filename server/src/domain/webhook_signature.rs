//! How a delivery proves it comes from Trayforge: `X-Trayforge-Signature:
//! sha256=<hex>`, the HMAC-SHA256 of `"<timestamp>.<body>"` under the
//! hook's signing secret, with the timestamp sent as `X-Trayforge-Timestamp`
//! (unix seconds). Signing the timestamp with the body lets a receiver
//! refuse an old delivery replayed by someone who recorded it.

use hmac::{KeyInit, Mac};
use sha2::Sha256;

use super::SecretToken;
use super::credentials::CredentialError;

pub const EVENT_HEADER: &str = "x-trayforge-event";
pub const DELIVERY_HEADER: &str = "x-trayforge-delivery";
pub const TIMESTAMP_HEADER: &str = "x-trayforge-timestamp";
pub const SIGNATURE_HEADER: &str = "x-trayforge-signature";

/// A hook's HMAC key: 32 random bytes in base64url, used as the text's
/// UTF-8 bytes (what a receiver passes to `openssl dgst -hmac`).
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret(String);

impl SigningSecret {
    pub fn generate() -> Result<SigningSecret, CredentialError> {
        Ok(SigningSecret(SecretToken::generate()?.expose().to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `sha256=<lower-case hex HMAC-SHA256 of "<timestamp>.<body>">`.
    pub fn sign(&self, timestamp: i64, body: &[u8]) -> String {
        // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
        let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(self.0.as_bytes()) else {
            unreachable!("HMAC accepts keys of every length")
        };
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        format!("sha256={hex}")
    }
}

impl From<String> for SigningSecret {
    /// Trusts that `text` is a stored secret: for reading the database.
    fn from(text: String) -> SigningSecret {
        SigningSecret(text)
    }
}

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Reference: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'key'
        let secret = SigningSecret::from("key".to_owned());
        assert_eq!(
            secret.sign(1_700_000_000, br#"{"a":1}"#),
            "sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
    }

    #[test]
    fn another_timestamp_body_or_secret_gives_another_signature() {
        let secret = SigningSecret::generate().unwrap();
        let signature = secret.sign(1, b"body");
        assert_ne!(signature, secret.sign(2, b"body"));
        assert_ne!(signature, secret.sign(1, b"body!"));
        assert_ne!(signature, SigningSecret::generate().unwrap().sign(1, b"body"));
        assert!(!format!("{secret:?}").contains(secret.expose()));
    }
}
