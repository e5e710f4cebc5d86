//! A temporary password for a new person or a reset: random from the
//! browser's CSPRNG, 16 characters in four groups (`k7qm-4x2p-…`), easy to
//! read out and type, with no look-alike characters (no i, l, o, 0, 1).

/// The characters a temporary password is made of.
const ALPHABET: &[u8; 31] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters in a password, before the dashes.
const LENGTH: usize = 16;
/// Bytes at or above this are dropped, so every character is equally likely.
const UNBIASED_BELOW: u8 = (256 / ALPHABET.len() * ALPHABET.len()) as u8;

/// A fresh temporary password; `None` when the browser offers no random numbers.
pub(crate) fn generate() -> Option<String> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0_u8; 64];
    loop {
        crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
        if let Some(password) = from_random_bytes(&bytes) {
            return Some(password);
        }
    }
}

/// The password the random `bytes` make; `None` when too few of them are usable.
fn from_random_bytes(bytes: &[u8]) -> Option<String> {
    let chars: Vec<char> = bytes
        .iter()
        .filter(|byte| **byte < UNBIASED_BELOW)
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .take(LENGTH)
        .collect();
    (chars.len() == LENGTH)
        .then(|| chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_four_groups_of_four_without_look_alikes() {
        let bytes: Vec<u8> = (0..=255).collect();
        let password = from_random_bytes(&bytes).expect("256 bytes are enough");
        assert_eq!(password, "abcd-efgh-jkmn-pqrs");
        assert!(password.len() >= 12, "the server asks for at least 12 characters");
    }

    #[test]
    fn biased_bytes_are_dropped_and_too_few_give_none() {
        let mut bytes = vec![255_u8, 254, 248];
        bytes.extend(std::iter::repeat_n(30_u8, 16));
        assert_eq!(from_random_bytes(&bytes).as_deref(), Some("9999-9999-9999-9999"));
        assert_eq!(from_random_bytes(&[1, 2, 3]), None);
        assert_eq!(from_random_bytes(&[250; 64]), None);
    }
}
