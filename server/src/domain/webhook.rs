//! What a webhook is made of: the events a clinic can subscribe to, a set
//! of them, and the URL deliveries go to, each parsed from what a request
//! sends with a message that says what is wrong and what to send instead.

use std::fmt;
use std::str::FromStr;

/// Something that happened in a clinic that a receiver may want to hear of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    CaseCreated,
    CaseUpdated,
    FilesUploaded,
    StageUpdated,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 4] =
        [WebhookEvent::CaseCreated, WebhookEvent::CaseUpdated, WebhookEvent::FilesUploaded, WebhookEvent::StageUpdated];

    /// The name on the wire, in `events` and `X-Trayforge-Event`.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::CaseCreated => "case.created",
            WebhookEvent::CaseUpdated => "case.updated",
            WebhookEvent::FilesUploaded => "files.uploaded",
            WebhookEvent::StageUpdated => "stage.updated",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// "case.created, case.updated, files.uploaded or stage.updated".
fn valid_names() -> String {
    let names = WebhookEvent::ALL.map(WebhookEvent::as_str);
    let (last, rest) = names.split_last().unwrap_or((&"", &[]));
    format!("{} or {last}", rest.join(", "))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookEventsError {
    #[error("`{0}` is not a webhook event; use {events}", events = valid_names())]
    Unknown(String),
    #[error("subscribe the webhook to at least one event: {events}", events = valid_names())]
    Empty,
}

impl FromStr for WebhookEvent {
    type Err = WebhookEventsError;

    fn from_str(name: &str) -> Result<WebhookEvent, WebhookEventsError> {
        WebhookEvent::ALL
            .into_iter()
            .find(|event| event.as_str() == name)
            .ok_or_else(|| WebhookEventsError::Unknown(name.to_owned()))
    }
}

/// The events a webhook subscribes to: at least one, each once, written
/// comma-separated in `WebhookEvent::ALL` order in the database.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WebhookEvents(u8);

impl WebhookEvents {
    /// Parses names (`["files.uploaded", "case.created"]`); at least one, each known.
    pub fn parse_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<WebhookEvents, WebhookEventsError> {
        let mut bits = 0;
        for name in names {
            bits |= name.trim().parse::<WebhookEvent>()?.bit();
        }
        if bits == 0 { Err(WebhookEventsError::Empty) } else { Ok(WebhookEvents(bits)) }
    }

    pub fn contains(self, event: WebhookEvent) -> bool {
        self.0 & event.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = WebhookEvent> {
        WebhookEvent::ALL.into_iter().filter(move |event| self.contains(*event))
    }

    pub fn names(self) -> Vec<String> {
        self.iter().map(|event| event.as_str().to_owned()).collect()
    }
}

impl fmt::Display for WebhookEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(","))
    }
}

impl fmt::Debug for WebhookEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookEvents({self})")
    }
}

impl TryFrom<String> for WebhookEvents {
    type Error = WebhookEventsError;

    fn try_from(text: String) -> Result<WebhookEvents, WebhookEventsError> {
        WebhookEvents::parse_names(text.split(','))
    }
}

/// Long enough for any real receiver, short enough to list comfortably.
pub const MAX_URL_CHARS: usize = 2000;

/// Where deliveries go: an absolute `http` or `https` URL with a host and
/// no user name or password, kept in its normalised form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookUrlError {
    #[error("give the URL that receives the deliveries, such as https://pms.example/trayforge")]
    Empty,
    #[error("the URL is longer than {MAX_URL_CHARS} characters; use a shorter one")]
    TooLong,
    #[error("`{url}` is not an absolute URL ({reason}); write it in full, such as https://pms.example/trayforge")]
    NotAbsolute { url: String, reason: String },
    #[error("a webhook URL starts with http:// or https://, not {scheme}://")]
    Scheme { scheme: String },
    #[error(
        "a webhook URL carries no user name or password; deliveries are authenticated by their \
         X-Trayforge-Signature instead"
    )]
    Credentials,
}

impl WebhookUrl {
    pub fn parse(text: &str) -> Result<WebhookUrl, WebhookUrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(WebhookUrlError::Empty);
        }
        if text.chars().count() > MAX_URL_CHARS {
            return Err(WebhookUrlError::TooLong);
        }
        let url = url::Url::parse(text)
            .map_err(|e| WebhookUrlError::NotAbsolute { url: text.to_owned(), reason: e.to_string() })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebhookUrlError::Scheme { scheme: url.scheme().to_owned() });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookUrlError::Credentials);
        }
        // `url` gives http and https a host or refuses them; checked anyway,
        // since a delivery without one could go nowhere.
        if url.host_str().is_none_or(str::is_empty) {
            return Err(WebhookUrlError::NotAbsolute { url: text.to_owned(), reason: "no host".into() });
        }
        Ok(WebhookUrl(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WebhookUrl {
    type Error = WebhookUrlError;

    /// For reading the database, where only parsed URLs are written.
    fn try_from(text: String) -> Result<WebhookUrl, WebhookUrlError> {
        WebhookUrl::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_are_the_wire_list() {
        assert_eq!(WebhookEvent::ALL.map(WebhookEvent::as_str), trayforge_wire::WEBHOOK_EVENTS);
    }

    #[test]
    fn events_are_kept_once_in_a_fixed_order() {
        let events = WebhookEvents::parse_names(["stage.updated", "case.created", " stage.updated "]).unwrap();
        assert_eq!(events.to_string(), "case.created,stage.updated");
        assert_eq!(WebhookEvents::try_from(events.to_string()), Ok(events));
        assert!(events.contains(WebhookEvent::StageUpdated) && !events.contains(WebhookEvent::FilesUploaded));
    }

    #[test]
    fn an_unknown_event_is_refused_naming_the_valid_ones() {
        let error = WebhookEvents::parse_names(["case.created", "case.deleted"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`case.deleted` is not a webhook event; use case.created, case.updated, files.uploaded or stage.updated"
        );
        assert_eq!(WebhookEvents::parse_names([]), Err(WebhookEventsError::Empty));
    }

    fn check_url(input: &str, expected: Result<&str, &str>) {
        let got = WebhookUrl::parse(input);
        match (got, expected) {
            (Ok(url), Ok(want)) => assert_eq!(url.as_str(), want, "{input}"),
            (Err(error), Err(want)) => assert!(error.to_string().contains(want), "{input}: {error}"),
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn urls_are_absolute_http_or_https_without_credentials() {
        check_url("https://pms.example/hooks/trayforge", Ok("https://pms.example/hooks/trayforge"));
        check_url(" http://127.0.0.1:8081/in?x=1 ", Ok("http://127.0.0.1:8081/in?x=1"));
        check_url("HTTPS://PMS.example", Ok("https://pms.example/"));
        check_url("", Err("give the URL"));
        check_url("/hooks/trayforge", Err("is not an absolute URL"));
        check_url("pms.example/hook", Err("is not an absolute URL"));
        check_url("ftp://pms.example/hook", Err("not ftp://"));
        check_url("mailto:lab@pms.example", Err("not mailto://"));
        check_url("https://user:pw@pms.example/hook", Err("no user name or password"));
        check_url(&format!("https://pms.example/{}", "a".repeat(MAX_URL_CHARS)), Err("longer than 2000"));
    }
}
