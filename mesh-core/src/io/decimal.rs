//! Decimal text to `f32`, correctly rounded, fast for the plain numbers
//! exporters write (`-25.997207`, `1.018757e+002`).
//!
//! The fast path reads up to 19 digits into an integer and scales it by an
//! exact power of ten in `f64`, one correctly rounded operation. Rounding
//! that `f64` to `f32` is then correct unless it landed exactly halfway
//! between two `f32`s (the only case where rounding twice differs from
//! rounding once), or outside the normal `f32` range; those, and every
//! other form (`nan`, 30 digits, huge exponents), go to `fast-float2`.

/// Powers of ten exactly representable in `f64`.
const POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// The number at the start of `text` and its length in bytes, or `None`
/// when `text` does not start with a number.
#[inline]
pub(crate) fn parse(text: &[u8]) -> Option<(f32, usize)> {
    fast_path(text).or_else(|| fast_float2::parse_partial::<f32, _>(text).ok())
}

#[inline]
fn fast_path(text: &[u8]) -> Option<(f32, usize)> {
    let mut at = 0;
    let negative = match text.first()? {
        b'-' => {
            at = 1;
            true
        }
        b'+' => {
            at = 1;
            false
        }
        _ => false,
    };
    let mut mantissa: u64 = 0;
    let mut scale: i32 = 0;
    let integer_digits = digits(&text[at..], &mut mantissa);
    at += integer_digits;
    let mut digits_read = integer_digits;
    if text.get(at) == Some(&b'.') {
        at += 1;
        let fraction_digits = digits(&text[at..], &mut mantissa);
        at += fraction_digits;
        digits_read += fraction_digits;
        scale = -(fraction_digits as i32);
    }
    if digits_read == 0 {
        return None; // a sign or `.` alone
    }
    // 19 digits always fit a u64 (more wrapped around above): leave those to the general parser.
    if digits_read > 19 {
        return None;
    }
    if let Some(b'e' | b'E') = text.get(at) {
        at += 1;
        let exponent_negative = match text.get(at) {
            Some(b'-') => {
                at += 1;
                true
            }
            Some(b'+') => {
                at += 1;
                false
            }
            _ => false,
        };
        let exponent_start = at;
        let mut exponent: i32 = 0;
        while let Some(&d @ b'0'..=b'9') = text.get(at) {
            if at - exponent_start >= 4 {
                return None;
            }
            exponent = exponent * 10 + i32::from(d - b'0');
            at += 1;
        }
        if at == exponent_start {
            return None;
        }
        scale += if exponent_negative { -exponent } else { exponent };
    }
    if mantissa > 1 << 53 {
        return None;
    }
    let power = *POWERS.get(scale.unsigned_abs() as usize)?;
    let magnitude = if scale < 0 { mantissa as f64 / power } else { mantissa as f64 * power };
    let value = if negative { -magnitude } else { magnitude };
    if magnitude == 0.0 {
        return Some((value as f32, at));
    }
    // Dropping the 29 low bits of the f64 mantissa rounds once more: unsafe
    // only exactly halfway, and only meaningful in the normal f32 range.
    let halfway = value.to_bits() & 0x1FFF_FFFF == 0x1000_0000;
    let normal = (f64::from(f32::MIN_POSITIVE)..=f64::from(f32::MAX)).contains(&magnitude);
    (normal && !halfway).then_some((value as f32, at))
}

/// Reads the digits at the start of `text` into `mantissa`; returns how many.
/// Past 19 digits the mantissa wraps around, and the caller gives up.
#[inline]
fn digits(text: &[u8], mantissa: &mut u64) -> usize {
    let mut count = 0;
    for &byte in text {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) {
        let expected: f32 = text.parse().unwrap();
        let (value, len) = parse(text.as_bytes()).unwrap();
        assert_eq!(len, text.len(), "{text}");
        assert_eq!(value.to_bits(), expected.to_bits(), "{text}: {value} instead of {expected}");
    }

    #[test]
    fn exporters_numbers_read_exactly_as_the_standard_library_reads_them() {
        for text in [
            "0",
            "-0",
            "0.000000",
            "-0.000000",
            "26.000000",
            "-25.997207",
            "1.018757e+002",
            "-1.431162e+001",
            "0.000000e+000",
            "1e-7",
            "3.4028235e38",
            "1.17549435e-38",
            "0.1",
            "16777217",
            "+4.5",
            ".5",
            "5.",
            "9999999999999999999",
            "1.00000005960464477539062500000",
            "0.30000001192092896",
        ] {
            check(text);
        }
    }

    #[test]
    fn halfway_cases_and_large_forms_fall_back_and_stay_exact() {
        // 2^24 + 1 and 1 + 2^-24 lie exactly halfway between two f32s: the
        // fast path must decline them, and the result must still be exact.
        assert_eq!(fast_path(b"16777217"), None);
        assert_eq!(fast_path(b"1.000000059604644775390625"), None);
        check("16777217");
        check("1.000000059604644775390625");
        check("16777217.0");
        check("1e39");
        check("1e-46");
        check("123456789012345678901234567890");
    }

    /// xorshift64*, fixed seed.
    fn random(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    #[test]
    fn a_million_random_decimals_read_exactly_as_the_standard_library_reads_them() {
        let mut state = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..1_000_000 {
            let r = random(&mut state);
            let digits = 1 + (r % 18) as u32;
            let mantissa = random(&mut state) % 10u64.pow(digits);
            let point = (r >> 8) as usize % (digits as usize + 1);
            let text = format!("{mantissa:0width$}", width = digits as usize);
            let (int, frac) = text.split_at(point);
            let sign = if r & 1 << 40 != 0 { "-" } else { "" };
            let number = match (r >> 20) % 3 {
                0 => format!("{sign}{int}.{frac}"),
                1 => format!("{sign}{int}.{frac}e{}", ((r >> 24) % 60) as i32 - 30),
                _ => format!("{sign}{int}{frac}E+{:03}", (r >> 24) % 20),
            };
            check(&number);
        }
    }
}
