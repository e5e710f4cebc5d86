//! Query strings, for the API's addresses and the app's own (`?next=`),
//! percent-encoded here so that no page builds one by hand.

/// `text` as one query-string value: everything but the unreserved
/// characters of RFC 3986 percent-encoded as UTF-8 bytes.
pub(crate) fn encode_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// `path?k=v&…` with the pairs whose value is not empty; `path` alone when none is.
pub(crate) fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode_component(value)))
        .collect();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{}", query.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_percent_encoded_as_utf8() {
        assert_eq!(encode_component("K7Q-4M2"), "K7Q-4M2");
        assert_eq!(encode_component("Zoë & co?"), "Zo%C3%AB%20%26%20co%3F");
        assert_eq!(encode_component("/cases/1?q=a b"), "%2Fcases%2F1%3Fq%3Da%20b");
    }

    #[test]
    fn empty_values_are_left_out() {
        assert_eq!(with_query("/api/v1/cases", &[("q", ""), ("limit", "200")]), "/api/v1/cases?limit=200");
        assert_eq!(with_query("/cases", &[("q", "")]), "/cases");
        assert_eq!(with_query("/cases", &[("q", "ada l"), ("status", "new")]), "/cases?q=ada%20l&status=new");
    }
}
