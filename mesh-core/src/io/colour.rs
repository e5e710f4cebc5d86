//! Face colours of binary STL, kept in the 16-bit attribute word of each
//! triangle by two conventions that disagree:
//!
//! - VisCAM / SolidView: bit 15 set means the face has a colour; blue in
//!   bits 0–4, green 5–9, red 10–14.
//! - Materialise Magics: the header holds `COLOR=` and four default bytes
//!   (R, G, B, A); red in bits 0–4, green 5–9, blue 10–14.
//!
//! Files with only zero words, or only `0xFFFF` (Meshmixer writes those),
//! have no colour. A face without its own colour takes the header's default,
//! else white.

use crate::Rgb;

const MATERIALISE_MARKER: &[u8] = b"COLOR=";
const WHITE: Rgb = [255, 255, 255];
const COLOUR_VALID: u16 = 0x8000;

/// One colour per face, or `None` when the attribute words carry no colour.
pub(crate) fn face_colours(header: &[u8], attributes: &[u16]) -> Option<Vec<Rgb>> {
    if attributes.iter().all(|&word| word == 0) || attributes.iter().all(|&word| word == 0xFFFF) {
        return None;
    }
    let colours = match materialise_default(header) {
        // Materialise leaves the validity bit to mean "own colour" or "the
        // default" depending on the writer; the channels are what both agree on.
        Some(_) => attributes.iter().map(|&word| rgb555(word, Channels::RedLow)).collect(),
        None => attributes
            .iter()
            .map(|&word| if word & COLOUR_VALID != 0 { rgb555(word, Channels::BlueLow) } else { WHITE })
            .collect(),
    };
    Some(colours)
}

/// The default colour after `COLOR=` in a Materialise header.
fn materialise_default(header: &[u8]) -> Option<Rgb> {
    let at = header.windows(MATERIALISE_MARKER.len()).position(|w| w == MATERIALISE_MARKER)?;
    let rgb = header.get(at + MATERIALISE_MARKER.len()..at + MATERIALISE_MARKER.len() + 3)?;
    Some([rgb[0], rgb[1], rgb[2]])
}

#[derive(Clone, Copy)]
enum Channels {
    RedLow,
    BlueLow,
}

/// Five bits per channel widened to eight, so that 31 becomes 255.
fn rgb555(word: u16, channels: Channels) -> Rgb {
    let channel = |shift: u16| {
        let five = ((word >> shift) & 0x1F) as u8;
        (five << 3) | (five >> 2)
    };
    let (low, middle, high) = (channel(0), channel(5), channel(10));
    match channels {
        Channels::RedLow => [low, middle, high],
        Channels::BlueLow => [high, middle, low],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_meshmixer_words_carry_no_colour() {
        assert_eq!(face_colours(b"", &[0, 0]), None);
        assert_eq!(face_colours(b"", &[0xFFFF, 0xFFFF]), None);
    }

    #[test]
    fn viscam_reads_blue_in_the_low_bits_and_whites_out_faces_without_the_valid_bit() {
        assert_eq!(face_colours(b"", &[0x8000 | 31, 0x0001]), Some(vec![[0, 0, 255], WHITE]));
    }

    #[test]
    fn materialise_reads_red_in_the_low_bits() {
        let header = b"COLOR=\xff\xff\xff\xff";
        assert_eq!(face_colours(header, &[31, 31 << 5, 31 << 10]), Some(vec![[255, 0, 0], [0, 255, 0], [0, 0, 255]]));
    }
}
