//! The values of a PLY body one at a time: ASCII tokens or binary numbers
//! of either byte order, each as `f64`, which holds every PLY scalar exactly.

use super::header::Scalar;

/// A value source ran dry or held something that is not a number.
pub(super) enum Shortfall {
    End,
    NotANumber { at: usize, len: usize, integer: bool },
}

/// The values of the body one by one, as `f64` (which holds every PLY scalar exactly).
pub(super) trait Values {
    fn next(&mut self, scalar: Scalar) -> Result<f64, Shortfall>;
    /// Where the next value would start.
    fn position(&self) -> usize;
    fn bytes_left(&self) -> usize;
}

pub(super) struct Ascii<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
}

impl Values for Ascii<'_> {
    #[inline]
    fn next(&mut self, scalar: Scalar) -> Result<f64, Shortfall> {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let skipped = rest.iter().position(|&b| !b.is_ascii_whitespace()).ok_or(Shortfall::End)?;
        let rest = &rest[skipped..];
        let len = rest.iter().position(u8::is_ascii_whitespace).unwrap_or(rest.len());
        let token = &rest[..len];
        let at = self.at + skipped;
        self.at = at + len;
        let value = match scalar {
            Scalar::F32 => fast_float2::parse::<f32, _>(token).ok().map(f64::from),
            Scalar::F64 => fast_float2::parse::<f64, _>(token).ok(),
            _ => parse_integer(token).map(|v| v as f64),
        };
        value.ok_or(Shortfall::NotANumber { at, len, integer: scalar.is_integer() })
    }

    fn position(&self) -> usize {
        self.at
    }

    fn bytes_left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
}

/// An optionally signed decimal integer.
fn parse_integer(token: &[u8]) -> Option<i64> {
    let (negative, digits) = match token.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, token),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(i64::from(digit - b'0'))?;
    }
    Some(if negative { -value } else { value })
}

/// Binary values in big-endian (`BIG`) or little-endian order.
pub(super) struct Binary<'a, const BIG: bool> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
}

impl<const BIG: bool> Values for Binary<'_, BIG> {
    #[inline]
    fn next(&mut self, scalar: Scalar) -> Result<f64, Shortfall> {
        let value = decode::<BIG>(self.bytes, self.at, scalar).ok_or(Shortfall::End)?;
        self.at += scalar.size();
        Ok(value)
    }

    fn position(&self) -> usize {
        self.at
    }

    fn bytes_left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
}

/// The binary value of type `scalar` at `at`, or `None` past the end.
#[inline(always)]
pub(super) fn decode<const BIG: bool>(bytes: &[u8], at: usize, scalar: Scalar) -> Option<f64> {
    macro_rules! number {
        ($type:ty, $len:literal) => {{
            let raw: [u8; $len] = bytes.get(at..)?.get(..$len)?.try_into().ok()?;
            (if BIG { <$type>::from_be_bytes(raw) } else { <$type>::from_le_bytes(raw) }) as f64
        }};
    }
    Some(match scalar {
        Scalar::I8 => number!(i8, 1),
        Scalar::U8 => number!(u8, 1),
        Scalar::I16 => number!(i16, 2),
        Scalar::U16 => number!(u16, 2),
        Scalar::I32 => number!(i32, 4),
        Scalar::U32 => number!(u32, 4),
        Scalar::F32 => number!(f32, 4),
        Scalar::F64 => number!(f64, 8),
    })
}
