//! Case codes: the pseudonym of a patient printed on labels and read aloud
//! at the chair, e.g. `K7Q-4M2`.
//!
//! Six characters from an alphabet without the look-alikes 0/O and 1/I/L,
//! grouped 3-3: 31^6 ≈ 887 million codes, so a clinic's next code is
//! practically never taken (a taken one is simply drawn again).

use std::fmt;

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const LENGTH: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseCodeError {
    #[error("a case code has 6 characters, like K7Q-4M2")]
    Length,
    #[error("`{0}` cannot be in a case code: codes use 2–9 and A–Z without I, L and O")]
    Character(char),
    #[error("no random numbers from the system: {0}")]
    Random(String),
}

impl CaseCode {
    pub fn generate() -> Result<CaseCode, CaseCodeError> {
        // 256 is not a multiple of 31: bytes from `limit` up are skipped so
        // that every character is equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        let mut chars = Vec::with_capacity(LENGTH);
        while chars.len() < LENGTH {
            let mut random = [0u8; 16];
            getrandom::fill(&mut random).map_err(|e| CaseCodeError::Random(e.to_string()))?;
            let fair = random.iter().map(|byte| usize::from(*byte)).filter(|byte| *byte < limit);
            chars.extend(fair.map(|byte| char::from(ALPHABET[byte % ALPHABET.len()])).take(LENGTH - chars.len()));
        }
        Ok(CaseCode::from_chars(&chars))
    }

    /// Reads a code as a person types it: any case, with or without the
    /// dash or spaces.
    pub fn parse(input: &str) -> Result<CaseCode, CaseCodeError> {
        let chars: Vec<char> =
            input.chars().filter(|c| !matches!(c, '-' | ' ')).map(|c| c.to_ascii_uppercase()).collect();
        if let Some(bad) = chars.iter().find(|c| !c.is_ascii() || !ALPHABET.contains(&(**c as u8))) {
            return Err(CaseCodeError::Character(*bad));
        }
        if chars.len() != LENGTH {
            return Err(CaseCodeError::Length);
        }
        Ok(CaseCode::from_chars(&chars))
    }

    fn from_chars(chars: &[char]) -> CaseCode {
        let (first, second) = chars.split_at(LENGTH / 2);
        CaseCode(format!("{}-{}", first.iter().collect::<String>(), second.iter().collect::<String>()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_back_and_avoid_look_alikes() {
        for _ in 0..200 {
            let code = CaseCode::generate().unwrap();
            assert_eq!(CaseCode::parse(code.as_str()).unwrap(), code);
            assert_eq!(code.as_str().len(), 7);
            assert!(!code.as_str().contains(['0', 'O', '1', 'I', 'L']), "{code}");
        }
    }

    #[test]
    fn typed_codes_are_normalised_and_bad_ones_named() {
        assert_eq!(CaseCode::parse("k7q 4m2").unwrap().as_str(), "K7Q-4M2");
        assert_eq!(CaseCode::parse("K7Q4M2").unwrap().as_str(), "K7Q-4M2");
        assert_eq!(CaseCode::parse("K7Q-0M2"), Err(CaseCodeError::Character('0')));
        assert_eq!(CaseCode::parse("K7Q-4M"), Err(CaseCodeError::Length));
    }
}
