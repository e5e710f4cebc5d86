//! How numbers, sizes and dates read for people: pure functions, no DOM.

/// `83262` → `83 262` (a thin space groups thousands, as in the SI style).
pub(crate) fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{2009}');
        }
        grouped.push(digit);
    }
    grouped
}

/// A file size in the unit that fits: `684 bytes`, `54 kB`, `4.3 MB`.
pub(crate) fn megabytes(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.0} kB", bytes as f64 / 1_000.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `2026-12-01` → `1 Dec 2026`: day, month and year can never be mixed up,
/// whatever the reader's habit. Anything that is not such a date is shown as it came.
pub(crate) fn human_date(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    let parsed = (|| {
        let year: u32 = parts.next()?.parse().ok()?;
        let month: usize = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let name = MONTHS.get(month.checked_sub(1)?)?;
        (1..=31).contains(&day).then(|| format!("{day} {name} {year}"))
    })();
    parsed.unwrap_or_else(|| iso.to_owned())
}

/// `2026-11-23T15:41:28Z` → `23 Nov 2026, 15:41 UTC`: the server's times
/// are UTC, and saying so keeps them unambiguous. Anything else is shown as it came.
pub(crate) fn human_date_time(rfc3339: &str) -> String {
    let utc = rfc3339.ends_with('Z') || rfc3339.ends_with("+00:00");
    match (rfc3339.get(..10), rfc3339.get(10..11), rfc3339.get(11..16)) {
        (Some(date), Some("T"), Some(time)) if utc && time.as_bytes().get(2) == Some(&b':') => {
            format!("{}, {time} UTC", human_date(date))
        }
        _ => rfc3339.to_owned(),
    }
}

/// A message as a sentence: first letter in upper case, a full stop at the
/// end. The server's messages are fragments ("the email address or the
/// password is wrong") meant to be shown this way.
pub(crate) fn sentence(message: &str) -> String {
    let message = message.trim();
    let mut chars = message.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut sentence: String = first.to_uppercase().chain(chars).collect();
    if !sentence.ends_with(['.', '!', '?', '…']) {
        sentence.push('.');
    }
    sentence
}

/// `1 stage`, `2 stages`.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_read_in_the_unit_that_fits() {
        assert_eq!(megabytes(684), "684 bytes");
        assert_eq!(megabytes(53_899), "54 kB");
        assert_eq!(megabytes(4_261_684), "4.3 MB");
    }

    #[test]
    fn thousands_are_grouped_by_thin_spaces() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(83_262), "83\u{2009}262");
        assert_eq!(group_thousands(1_234_567), "1\u{2009}234\u{2009}567");
    }

    #[test]
    fn dates_name_their_month() {
        assert_eq!(human_date("2026-12-01"), "1 Dec 2026");
        assert_eq!(human_date("1990-01-31"), "31 Jan 1990");
        assert_eq!(human_date("2026-13-01"), "2026-13-01", "not a month: shown as it came");
        assert_eq!(human_date("soon"), "soon");
    }

    #[test]
    fn times_name_their_month_and_zone() {
        assert_eq!(human_date_time("2026-11-23T15:41:28Z"), "23 Nov 2026, 15:41 UTC");
        assert_eq!(human_date_time("2026-11-23T15:41:28.123456Z"), "23 Nov 2026, 15:41 UTC");
        assert_eq!(human_date_time("2026-11-23T15:41:28+02:00"), "2026-11-23T15:41:28+02:00", "not UTC: as it came");
        assert_eq!(human_date_time("yesterday"), "yesterday");
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(sentence("too many attempts; wait 42 s"), "Too many attempts; wait 42 s.");
        assert_eq!(sentence("Already one."), "Already one.");
        assert_eq!(sentence(""), "");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1, "stage", "stages"), "1 stage");
        assert_eq!(count(0, "stage", "stages"), "0 stages");
    }
}
